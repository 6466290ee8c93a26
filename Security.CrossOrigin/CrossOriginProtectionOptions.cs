namespace Security.CrossOrigin;

/// <summary>
/// Settings of the cross-origin request protection, bound from <see cref="SectionName"/> (<c>Security:CrossOrigin</c>)
/// and validated at startup.
/// </summary>
public sealed class CrossOriginProtectionOptions
{
    /// <summary>The configuration section: <c>Security:CrossOrigin</c>.</summary>
    public const string SectionName = "Security:CrossOrigin";

    /// <summary>
    /// What is refused app-wide; an endpoint can pick another mode with <c>.WithCrossOriginProtection(mode)</c>.
    /// Default <see cref="CrossOriginProtectionMode.RequestForgery"/>; in configuration <c>"ResourceIsolation"</c>.
    /// </summary>
    public CrossOriginProtectionMode Mode { get; set; } = CrossOriginProtectionMode.RequestForgery;

    /// <summary>
    /// Whether requests from another origin of the same site (<c>Sec-Fetch-Site: same-site</c>, e.g.
    /// <c>https://shop.example.com</c> posting to <c>https://api.example.com</c>) pass. Default <see langword="false"/>:
    /// a sibling subdomain (perhaps one that hosts user content) is not trusted; list the ones you trust in
    /// <see cref="TrustedOrigins"/> instead.
    /// </summary>
    public bool AllowSameSite { get; set; }

    /// <summary>
    /// Origins allowed to send cross-origin requests, each <c>scheme://host[:port]</c> as a browser sends it in
    /// <c>Origin</c>, e.g. <c>https://app.example.com</c> or <c>http://localhost:5173</c>. No paths, no wildcards.
    /// Default empty.
    /// </summary>
    public IList<string> TrustedOrigins { get; } = [];

    /// <summary>
    /// Path patterns (regular expressions anchored at the start, case-insensitive, as in every Security.* package)
    /// whose requests are never refused, e.g. <c>^/hooks/stripe/?$</c>. Prefer <c>.AllowCrossOrigin()</c> on the
    /// endpoint: it follows routing exactly. Default empty.
    /// </summary>
    public IList<string> ExemptPaths { get; } = [];

    /// <summary>
    /// Whether an origin the endpoint's CORS policy allows (ASP.NET Core's <c>AddCors</c>, chosen by
    /// <c>[EnableCors]</c>/<c>.RequireCors(...)</c> or else <see cref="CorsPolicyName"/>) counts as trusted. Default
    /// <see langword="false"/>: allowing an origin to read responses does not by itself allow it to change data.
    /// </summary>
    public bool TrustCorsPolicyOrigins { get; set; }

    /// <summary>
    /// With <see cref="TrustCorsPolicyOrigins"/>, the CORS policy used for endpoints that name none, as the name given
    /// to <c>app.UseCors(name)</c>. Default <see langword="null"/>: the default policy (<c>AddDefaultPolicy</c>).
    /// </summary>
    public string? CorsPolicyName { get; set; }
}

namespace Security.Headers;

/// <summary>
/// <c>Strict-Transport-Security</c> (HSTS): tells browsers to use only HTTPS for this host. Sent on
/// HTTPS responses only (browsers ignore it over HTTP); behind a TLS-terminating proxy, run
/// <c>UseForwardedHeaders()</c> first so <c>Request.IsHttps</c> is right.
/// </summary>
public sealed class StrictTransportSecurityOptions
{
    /// <summary>Whether the header is sent. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long browsers remember the rule (<c>max-age</c>). Default: 365 days (31536000 seconds).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Whether the rule covers every subdomain (<c>includeSubDomains</c>). Default: <see langword="true"/>.</summary>
    public bool IncludeSubDomains { get; set; } = true;

    /// <summary>
    /// Whether to add <c>preload</c> (consent to the browsers' preload list). Requires
    /// <see cref="IncludeSubDomains"/> and a <see cref="MaxAge"/> of at least a year. Default: <see langword="false"/>.
    /// </summary>
    public bool Preload { get; set; }

    /// <summary>
    /// Whether to send it to <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> too. Default:
    /// <see langword="false"/>, so development on localhost does not pin HTTPS in the browser for every local app.
    /// </summary>
    public bool IncludeLocalhost { get; set; }
}

namespace Security.Csp;

/// <summary>
/// One Content-Security-Policy: its mode and its directives, given either as a dictionary
/// (<see cref="Policy"/>), as a raw string (<see cref="PolicyString"/>) or with the typed builder
/// (<see cref="UsePolicy"/>). The default policy is <see cref="SecurityCspOptions"/> itself; named policies
/// live in <see cref="SecurityCspOptions.Policies"/>.
/// </summary>
public class CspPolicyOptions
{
    /// <summary>
    /// <c>enforce</c> (default), <c>report-only</c> or <c>enforce-and-report-only</c>; see <see cref="CspModes"/>.
    /// Compared ignoring case.
    /// </summary>
    public string Mode { get; set; } = CspModes.Enforce;

    /// <summary>
    /// The policy as directive -> sources, written to the header in the order given, e.g.
    /// <c>{"default-src": ["self"], "script-src": ["self", "nonce", "cdn.example.com"]}</c>.
    /// Keywords (<c>self</c>, <c>none</c>, <c>unsafe-inline</c>, <c>strict-dynamic</c>, <c>sha256-...</c>, ...)
    /// are written without quotes and quoted in the header; <c>nonce</c> stands for the per-request nonce.
    /// Values bound from configuration come in key order (configuration sorts keys).
    /// </summary>
    public Dictionary<string, string[]>? Policy { get; set; }

    /// <summary>The policy as a raw header value, used verbatim, e.g. <c>default-src 'self'</c>. Exclusive with <see cref="Policy"/>.</summary>
    public string? PolicyString { get; set; }

    /// <summary>
    /// A separate policy for <c>Content-Security-Policy-Report-Only</c> (same form as <see cref="Policy"/>);
    /// when neither this nor <see cref="ReportOnlyPolicyString"/> is given, that header carries the enforced policy.
    /// </summary>
    public Dictionary<string, string[]>? ReportOnlyPolicy { get; set; }

    /// <summary>The report-only policy as a raw header value. Exclusive with <see cref="ReportOnlyPolicy"/>.</summary>
    public string? ReportOnlyPolicyString { get; set; }

    /// <summary>Per-request nonce settings for this policy.</summary>
    public CspNonceOptions Nonce { get; set; } = new();

    /// <summary>
    /// Sets <see cref="Policy"/> from the typed builder and clears <see cref="PolicyString"/>, so code
    /// replaces a policy bound from configuration.
    /// </summary>
    /// <param name="configure">Adds directives, e.g. <c>p => { p.DefaultSrc().Self(); p.ScriptSrc().Self().WithNonce(); }</c>.</param>
    /// <returns>These options, for chaining.</returns>
    public CspPolicyOptions UsePolicy(Action<CspPolicyBuilder> configure)
    {
        Policy = Build(configure);
        PolicyString = null;
        return this;
    }

    /// <summary>
    /// Sets <see cref="ReportOnlyPolicy"/> from the typed builder and clears <see cref="ReportOnlyPolicyString"/>.
    /// </summary>
    /// <param name="configure">Adds directives.</param>
    /// <returns>These options, for chaining.</returns>
    public CspPolicyOptions UseReportOnlyPolicy(Action<CspPolicyBuilder> configure)
    {
        ReportOnlyPolicy = Build(configure);
        ReportOnlyPolicyString = null;
        return this;
    }

    private static Dictionary<string, string[]> Build(Action<CspPolicyBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new CspPolicyBuilder();
        configure(builder);
        return builder.Build();
    }
}

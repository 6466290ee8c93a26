using Security.Abstractions;

namespace Security.Csp;

/// <summary>
/// Content-Security-Policy settings, bound from <c>Security:Csp</c>. The inherited members are the
/// default policy, used on every response whose endpoint names no other policy.
/// </summary>
public sealed class SecurityCspOptions : CspPolicyOptions
{
    /// <summary>The configuration section the options are bound from: <c>Security:Csp</c>.</summary>
    public const string SectionName = "Security:Csp";

    /// <summary>The API policy used when <see cref="ApiPolicy"/> gives none: <c>default-src 'none'; base-uri 'none'; frame-ancestors 'none'</c>.</summary>
    public const string DefaultApiPolicy = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Named policies chosen per endpoint with <c>.RequireCspPolicy("name")</c> or
    /// <c>[CspPolicy("name")]</c> (<c>Security:Csp:Policies:&lt;name&gt;</c>). Names compare ignoring case.
    /// </summary>
    public Dictionary<string, CspPolicyOptions> Policies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The policy sent instead of the default one on the responses of API endpoints: endpoints the framework
    /// marks as APIs, the ones .NET 10's cookie handler answers with 401 instead of a login redirect
    /// (<c>IDisableCookieRedirectMetadata</c>: <c>[ApiController]</c>, minimal APIs that read or write JSON,
    /// <c>TypedResults</c>, SignalR, <c>MapIdentityApi</c>), whose response is not HTML and that name no policy of
    /// their own (<c>Security:Csp:ApiPolicy</c>). Left without <c>Policy</c> or <c>PolicyString</c> it is
    /// <see cref="DefaultApiPolicy"/>: a JSON response loads nothing and cannot be framed.
    /// </summary>
    public CspPolicyOptions ApiPolicy { get; set; } = new();

    /// <summary>
    /// Whether API endpoints get <see cref="ApiPolicy"/> (default <see langword="true"/>); <see langword="false"/>
    /// sends them the default policy like every other response (<c>Security:Csp:UseApiPolicy</c>).
    /// </summary>
    public bool UseApiPolicy { get; set; } = true;

    /// <summary>
    /// Where browsers POST violation reports (<c>report-uri</c>, added to every policy), e.g.
    /// <c>/csp-report</c>. Default <see langword="null"/>: none.
    /// </summary>
    public string? ReportUri { get; set; }

    /// <summary>
    /// The Reporting API endpoint URL, e.g. <c>/csp-report</c>. When set, policies get
    /// <c>report-to</c> <see cref="ReportToGroup"/> and responses a <c>Reporting-Endpoints</c> header.
    /// Default <see langword="null"/>: none.
    /// </summary>
    public string? ReportToEndpoint { get; set; }

    /// <summary>The endpoint name used in <c>report-to</c> and <c>Reporting-Endpoints</c>. Default <c>csp-endpoint</c>.</summary>
    public string ReportToGroup { get; set; } = "csp-endpoint";

    /// <summary>
    /// Whether <c>report-to</c> and <c>Reporting-Endpoints</c> are sent on HTTPS responses only
    /// (default <see langword="true"/>). Chromium sends nothing from an http page whose policy has
    /// <c>report-to</c>, not even to <c>report-uri</c>, so http responses keep <c>report-uri</c> alone.
    /// </summary>
    public bool ReportToHttpsOnly { get; set; } = true;

    /// <summary>
    /// Percentage (0 to 100) of responses whose policies carry <c>report-uri</c>/<c>report-to</c>;
    /// the others carry the same policy without them. Default 100.
    /// </summary>
    public double ReportSamplingPercentage { get; set; } = 100;

    /// <summary>Settings of the report endpoint mapped with <c>MapCspReports</c>.</summary>
    public CspReportOptions Reports { get; set; } = new();

    // Shape errors found in configuration that binding cannot express (a string where a list belongs).
    internal OptionsValidationErrors ConfigurationErrors { get; } = new();
}

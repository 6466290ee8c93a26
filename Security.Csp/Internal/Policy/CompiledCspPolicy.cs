namespace Security.Csp.Internal.Policy;

/// <summary>A policy turned into ready header values, one set per <see cref="CspHeaderVariant"/> case.</summary>
internal sealed class CompiledCspPolicy(CspHeaderVariant https, CspHeaderVariant http, CspHeaderVariant withoutReports)
{
    /// <summary>HTTPS response whose reports are sampled in: <c>report-uri</c>, <c>report-to</c>, <c>Reporting-Endpoints</c>.</summary>
    public CspHeaderVariant Https { get; } = https;

    /// <summary>http response whose reports are sampled in: <c>report-to</c> left out unless configured otherwise.</summary>
    public CspHeaderVariant Http { get; } = http;

    /// <summary>Response sampled out: no reporting directive.</summary>
    public CspHeaderVariant WithoutReports { get; } = withoutReports;
}

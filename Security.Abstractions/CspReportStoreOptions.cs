namespace Security.Abstractions;

/// <summary>
/// How report stores aggregate identical CSP reports (see <see cref="CspReportGroupKey"/>). Bound from
/// <c>Security:Csp:Reports</c> by <c>AddSecurityCsp</c>, next to the endpoint's own settings.
/// </summary>
public sealed class CspReportStoreOptions
{
    /// <summary>The default of <see cref="ReportsKeptPerGroup"/>: 10.</summary>
    public const int DefaultReportsKeptPerGroup = 10;

    /// <summary>The largest accepted <see cref="ReportsKeptPerGroup"/>: 1000.</summary>
    public const int MaxReportsKeptPerGroup = 1000;

    /// <summary>
    /// Full reports (user agent, source file, sample...) kept per group and hour; beyond them a report only adds to
    /// its group's count and last-seen time. Default 10; 0 keeps counts only; at most 1000.
    /// </summary>
    public int ReportsKeptPerGroup { get; set; } = DefaultReportsKeptPerGroup;
}

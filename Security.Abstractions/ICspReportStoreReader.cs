namespace Security.Abstractions;

/// <summary>
/// The read side of a CSP report store: the dashboard's grouped and hourly queries. A custom store may implement only this
/// role; register it as <c>ICspReportStoreReader</c>.
/// </summary>
public interface ICspReportStoreReader
{
    /// <summary>
    /// Reads reports grouped by effective directive (the violated directive when a report has none), blocked URI,
    /// document URI (both without query string and fragment) and disposition, with the number of reports received.
    /// </summary>
    /// <param name="query">
    /// Window, directive filter and page. The window selects whole UTC hours: every hour from the one holding
    /// <see cref="CspReportQuery.From"/> up to <see cref="CspReportQuery.To"/> (excluded).
    /// </param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts reports per UTC clock hour (for a chart). Only hours with at least one report are returned,
    /// oldest first. A store that cannot count by hour may throw <see cref="NotSupportedException"/>:
    /// the dashboard then shows the groups without the chart.
    /// </summary>
    /// <param name="from">Earliest received time included (its whole hour is counted).</param>
    /// <param name="to">Latest received time excluded.</param>
    /// <param name="effectiveDirective">
    /// Only reports with this effective directive (the violated directive when a report has none; exact,
    /// ordinal), as in <see cref="CspReportQuery.EffectiveDirective"/>; <see langword="null"/> for all.
    /// </param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
        DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default);
}

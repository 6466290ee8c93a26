namespace Security.Abstractions;

/// <summary>
/// Stores CSP violation reports. The report endpoint never calls it on the request path: a
/// background writer saves batches. Implementations: <see cref="InMemoryCspReportStore"/> (default)
/// and the EF Core store in Security.Persistence.
/// </summary>
/// <remarks>
/// Identical reports (<see cref="CspReportGroupKey"/>) received in one UTC clock hour are one stored group: a store
/// keeps the first <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/> full reports of a group per hour and beyond
/// them only adds to the group's count and last-seen time, atomically, so a flood costs counter updates, not rows.
/// Reads work on these hourly groups: a time window selects whole hours.
/// </remarks>
public interface ICspReportStore
{
    /// <summary>
    /// Saves a batch of reports in one round trip where the store allows it: each report adds one to its group's count
    /// and is kept in full only while its group holds fewer than <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/>
    /// reports in that hour. Values longer than their column are truncated (see <see cref="CspReport.Truncated"/>), never rejected.
    /// </summary>
    /// <param name="reports">The reports to save; <see cref="CspReport.Id"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default);

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

    /// <summary>
    /// Deletes at most <paramref name="maxCount"/> hourly groups whose hour ended at or before <paramref name="cutoff"/>
    /// (so every report they counted was received before it), with the full reports kept for them.
    /// </summary>
    /// <param name="cutoff">Groups whose hour ended at or before this time are deleted.</param>
    /// <param name="maxCount">Upper bound of groups deleted in this call (bounded batches).</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>
    /// How many reports the deleted groups counted (at least the number of groups deleted, so a caller that repeats
    /// while the result reaches <paramref name="maxCount"/> stops once nothing is left).
    /// </returns>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default);
}

namespace Security.Abstractions;

/// <summary>
/// Stores CSP violation reports. The report endpoint never calls it on the request path: a
/// background writer saves batches. Implementations: <see cref="InMemoryCspReportStore"/> (default)
/// and the EF Core store in Security.Persistence.
/// </summary>
public interface ICspReportStore
{
    /// <summary>
    /// Saves a batch of reports in one round trip where the store allows it. Values longer than
    /// their column are truncated (see <see cref="CspReport.Truncated"/>), never rejected.
    /// </summary>
    /// <param name="reports">The reports to save; <see cref="CspReport.Id"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default);

    /// <summary>Reads reports grouped by effective directive (the violated directive when a report has none), blocked URI and document URI.</summary>
    /// <param name="query">Window, directive filter and page.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts reports per UTC clock hour (for a chart). Only hours with at least one report are returned,
    /// oldest first. A store that cannot count by hour may throw <see cref="NotSupportedException"/>:
    /// the dashboard then shows the groups without the chart.
    /// </summary>
    /// <param name="from">Earliest received time included.</param>
    /// <param name="to">Latest received time excluded.</param>
    /// <param name="effectiveDirective">
    /// Only reports with this effective directive (the violated directive when a report has none; exact,
    /// ordinal), as in <see cref="CspReportQuery.EffectiveDirective"/>; <see langword="null"/> for all.
    /// </param>
    /// <param name="cancellationToken">Cancels the query.</param>
    Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
        DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes at most <paramref name="maxCount"/> reports received before <paramref name="cutoff"/>.</summary>
    /// <param name="cutoff">Reports received strictly before this time are deleted.</param>
    /// <param name="maxCount">Upper bound of rows deleted in this call (bounded batches).</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many reports were deleted.</returns>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default);
}

namespace Security.Abstractions;

/// <summary>
/// The retention side of a CSP report store: bounded deletes of old hourly groups, called by the clean-up. A custom store
/// may implement only this role; register it as <c>ICspReportStoreRetention</c>.
/// </summary>
public interface ICspReportStoreRetention
{
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

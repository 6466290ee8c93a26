using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>
/// The clean-up's view of a report store that signals when a purge has finished (a batch came back short), so a
/// test awaits the run instead of polling the database.
/// </summary>
internal sealed class SignallingReportRetention(ICspReportStoreRetention inner, TaskCompletionSource purged) : ICspReportStoreRetention
{
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default)
    {
        var deleted = await inner.DeleteOlderThanAsync(cutoff, maxCount, cancellationToken);
        if (deleted < maxCount)
        {
            purged.TrySetResult();
        }

        return deleted;
    }
}

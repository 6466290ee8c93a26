namespace Security.Abstractions;

/// <summary>
/// Counts failed login attempts per key with atomic increments, so several app instances sharing
/// one store see one count. A counter whose last failure is older than the store's lifetime
/// (48 hours by default) is expired: it reads as absent and the next increment starts at 1.
/// Implementations: <see cref="InMemoryThrottleCounterStore"/> (default) and the EF Core store in
/// Security.Persistence.
/// </summary>
public interface IThrottleCounterStore
{
    /// <summary>Adds one failure to the key atomically and returns the counter after the increment.</summary>
    /// <param name="key">The counted key.</param>
    /// <param name="now">The failure's time; it becomes <see cref="ThrottleCounter.LastFailure"/>.</param>
    /// <param name="cancellationToken">Cancels the increment.</param>
    Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Reads the key's counter, or <see langword="null"/> when it has none or it has expired at <paramref name="now"/>.</summary>
    /// <param name="key">The counted key.</param>
    /// <param name="now">The current time, to decide expiry.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes the key's counter (after a successful sign-in, or by an administrator).</summary>
    /// <param name="key">The counted key.</param>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <returns><see langword="true"/> when a counter existed.</returns>
    Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes at most <paramref name="maxCount"/> counters that have expired at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="maxCount">Upper bound of counters deleted in this call.</param>
    /// <param name="cancellationToken">Cancels the purge.</param>
    /// <returns>How many counters were deleted.</returns>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default);
}

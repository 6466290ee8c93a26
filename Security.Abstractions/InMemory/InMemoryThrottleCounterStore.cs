using System.Collections.Concurrent;

namespace Security.Abstractions;

/// <summary>
/// Process-local <see cref="IThrottleCounterStore"/>: correct under concurrency within one app
/// instance. Use the EF Core store from Security.Persistence when several instances must share counts.
/// </summary>
public sealed class InMemoryThrottleCounterStore : IThrottleCounterStore
{
    private readonly ConcurrentDictionary<string, ThrottleCounter> _counters = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;

    /// <summary>Creates a store whose counters expire <see cref="ThrottleCounter.DefaultLifetime"/> after their last failure.</summary>
    public InMemoryThrottleCounterStore()
        : this(ThrottleCounter.DefaultLifetime)
    {
    }

    /// <summary>Creates a store whose counters expire <paramref name="lifetime"/> after their last failure.</summary>
    /// <param name="lifetime">A positive lifetime, e.g. 48 hours.</param>
    public InMemoryThrottleCounterStore(TimeSpan lifetime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        _lifetime = lifetime;
    }

    /// <inheritdoc />
    public Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        // AddOrUpdate retries the update on contention, so no increment is ever lost.
        var counter = _counters.AddOrUpdate(
            key,
            static (k, now) => new ThrottleCounter(k, 1, now),
            (k, current, arg) => current.IsExpired(arg, _lifetime)
                ? new ThrottleCounter(k, 1, arg)
                : new ThrottleCounter(k, current.Count + 1, arg > current.LastFailure ? arg : current.LastFailure),
            now);
        return Task.FromResult(counter);
    }

    /// <inheritdoc />
    public Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(
            _counters.TryGetValue(key, out var counter) && !counter.IsExpired(now, _lifetime) ? counter : null);
    }

    /// <inheritdoc />
    public Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(_counters.TryRemove(key, out _));
    }

    /// <inheritdoc />
    public Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var removed = 0;
        foreach (var pair in _counters)
        {
            if (removed >= maxCount)
            {
                break;
            }

            // Remove only the value we judged expired: a concurrent increment keeps its counter.
            if (pair.Value.IsExpired(now, _lifetime) && _counters.TryRemove(pair))
            {
                removed++;
            }
        }

        return Task.FromResult(removed);
    }
}

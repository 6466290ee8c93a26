using System.Collections.Concurrent;

namespace Security.Abstractions;

/// <summary>
/// Process-local <see cref="IThrottleCounterStore"/>: correct under concurrency within one app
/// instance, and bounded: past <see cref="MaxEntries"/> counters it drops expired ones first, then
/// the ones whose last failure is oldest (of equal times, the one counted earliest). Use the EF Core store from Security.Persistence when
/// several instances must share counts or no counter may ever be dropped.
/// </summary>
public sealed class InMemoryThrottleCounterStore : IThrottleCounterStore
{
    /// <summary>The default bound: 100,000 counters (a few megabytes).</summary>
    public const int DefaultMaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _counters = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;
    private readonly Lock _trimLock = new();
    private int _count;
    private long _touches;

    /// <summary>Creates a store whose counters expire <see cref="ThrottleCounter.DefaultLifetime"/> after their last failure.</summary>
    public InMemoryThrottleCounterStore()
        : this(ThrottleCounter.DefaultLifetime)
    {
    }

    /// <summary>Creates a store whose counters expire <paramref name="lifetime"/> after their last failure.</summary>
    /// <param name="lifetime">A positive lifetime, e.g. 48 hours.</param>
    public InMemoryThrottleCounterStore(TimeSpan lifetime)
        : this(lifetime, DefaultMaxEntries)
    {
    }

    /// <summary>Creates a store whose counters expire <paramref name="lifetime"/> after their last failure and that keeps at most <paramref name="maxEntries"/> counters.</summary>
    /// <param name="lifetime">A positive lifetime, e.g. 48 hours.</param>
    /// <param name="maxEntries">The most counters kept, at least 1, e.g. <see cref="DefaultMaxEntries"/>.</param>
    public InMemoryThrottleCounterStore(TimeSpan lifetime, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _lifetime = lifetime;
        MaxEntries = maxEntries;
    }

    /// <summary>The most counters this store keeps.</summary>
    public int MaxEntries { get; }

    /// <summary>How many counters the store holds now, expired ones not yet dropped included.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <inheritdoc />
    public Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        while (true)
        {
            if (_counters.TryGetValue(key, out var entry))
            {
                var current = entry.Counter;
                var next = current.IsExpired(now, _lifetime)
                    ? new ThrottleCounter(key, 1, now)
                    : new ThrottleCounter(key, current.Count + 1, now > current.LastFailure ? now : current.LastFailure);
                // Compare-and-swap: a concurrent increment makes this one retry, so none is ever lost.
                if (_counters.TryUpdate(key, Touch(next), entry))
                {
                    return Task.FromResult(next);
                }

                continue;
            }

            var added = new ThrottleCounter(key, 1, now);
            if (_counters.TryAdd(key, Touch(added)))
            {
                if (Interlocked.Increment(ref _count) > MaxEntries)
                {
                    Trim(now);
                }

                return Task.FromResult(added);
            }
        }
    }

    // Drops expired counters, then the oldest, down to 90% of the bound, so a flood of new keys costs one sort per
    // tenth of the bound rather than one scan per key.
    private void Trim(DateTimeOffset now)
    {
        lock (_trimLock)
        {
            if (Count <= MaxEntries)
            {
                return;
            }

            var target = MaxEntries - (MaxEntries / 10);
            foreach (var pair in _counters)
            {
                if (pair.Value.Counter.IsExpired(now, _lifetime))
                {
                    Remove(pair);
                }
            }

            var excess = Count - target;
            if (excess <= 0)
            {
                return;
            }

            // Of equal times (a frozen or coarse clock), the counter touched earliest goes first: the newest attempts stay.
            foreach (var pair in _counters.ToArray().OrderBy(p => p.Value.Counter.LastFailure).ThenBy(p => p.Value.Touched).Take(excess))
            {
                Remove(pair);
            }
        }
    }

    private Entry Touch(ThrottleCounter counter) => new(counter, Interlocked.Increment(ref _touches));

    private bool Remove(KeyValuePair<string, Entry> pair)
    {
        // Remove only the value we judged: a concurrent increment keeps its counter.
        if (_counters.TryRemove(pair))
        {
            Interlocked.Decrement(ref _count);
            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.FromResult(
            _counters.TryGetValue(key, out var entry) && !entry.Counter.IsExpired(now, _lifetime) ? entry.Counter : null);
    }

    /// <inheritdoc />
    public Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_counters.TryRemove(key, out _))
        {
            Interlocked.Decrement(ref _count);
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
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

            if (pair.Value.Counter.IsExpired(now, _lifetime) && Remove(pair))
            {
                removed++;
            }
        }

        return Task.FromResult(removed);
    }

    // A counter and when it was last touched, in the store's own order (a unique, growing number): compare-and-swap
    // and removal compare the whole entry, so they never act on a counter changed meanwhile.
    private sealed record Entry(ThrottleCounter Counter, long Touched);
}

using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Security.Abstractions;

namespace Security.Auth.Internal;

/// <summary>
/// Remembers the answer of a per-user check for a validation interval, so a signed-in user's requests do not each
/// ask the database. Bounded in entries (<see cref="MaxEntries"/>; past it, new answers are not remembered until
/// the cache compacts) and in age (the interval, on the app's <see cref="TimeProvider"/>). Keyed by user id: only
/// signed-in users, whose ids come from valid tickets, add entries.
/// </summary>
/// <typeparam name="TValue">What is remembered about a user.</typeparam>
internal sealed class UserCheckCache<TValue> : IDisposable
{
    /// <summary>The most users remembered per check and instance.</summary>
    public const int MaxEntries = 100_000;

    private readonly MemoryCache _cache;
    private long _invalidations;

    public UserCheckCache(TimeProvider time, int maxEntries = MaxEntries) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = maxEntries, Clock = new Clock(time) });

    public int Count => _cache.Count;

    public bool TryGet(string userId, out TValue value)
    {
        if (_cache.TryGetValue(userId, out var found))
        {
            value = (TValue)found!;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Taken before reading the answer from the database, and given to <see cref="Set"/>.</summary>
    public long Version => Interlocked.Read(ref _invalidations);

    /// <summary>
    /// Remembers an answer read since <paramref name="version"/>, unless a user changed meanwhile: an answer read
    /// before a change must not outlive it.
    /// </summary>
    public void Set(string userId, TValue value, TimeSpan interval, long version)
    {
        if (interval <= TimeSpan.Zero || Version != version)
        {
            return;
        }

        using (var entry = _cache.CreateEntry(userId))
        {
            entry.Value = value;
            entry.Size = 1;
            entry.AbsoluteExpirationRelativeToNow = interval;
        }

        // An invalidation between the check above and the write may have missed the new entry.
        if (Version != version)
        {
            _cache.Remove(userId);
        }
    }

    /// <summary>Forgets the user's answer: the next request asks the database again.</summary>
    public void Invalidate(string userId)
    {
        Interlocked.Increment(ref _invalidations);
        _cache.Remove(userId);
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>Reports a <c>ValidationInterval</c> outside 0 to 1 day.</summary>
    public static void ValidateInterval(OptionsValidationErrors errors, string option, TimeSpan interval)
    {
        if (interval < TimeSpan.Zero || interval > TimeSpan.FromDays(1))
        {
            errors.Add(option, $"'{interval}' must be from 00:00:00 (check every request) to 1.00:00:00, e.g. 00:01:00.");
        }
    }

    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}

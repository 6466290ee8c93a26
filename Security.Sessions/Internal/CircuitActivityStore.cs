using Microsoft.Extensions.Caching.Distributed;

namespace Security.Sessions.Internal;

/// <summary>
/// The last activity of a session's interactive circuits, kept beside the session in the session's own
/// <see cref="IDistributedCache"/> under the session's id. A circuit cannot write the session itself (its copy was
/// loaded at connect and would overwrite what later requests stored), so it writes this one small entry, and the
/// middleware reads it only when a session would otherwise expire for inactivity.
/// </summary>
internal sealed class CircuitActivityStore(IDistributedCache cache)
{
    private const string KeyPrefix = "Security.Sessions.CircuitActivity:";

    public Task RecordAsync(string sessionId, DateTimeOffset at, TimeSpan keepFor) =>
        cache.SetAsync(KeyPrefix + sessionId, BitConverter.GetBytes(at.UtcTicks), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = keepFor });

    public async Task<DateTimeOffset?> LastAsync(string sessionId, CancellationToken cancellationToken)
    {
        var bytes = await cache.GetAsync(KeyPrefix + sessionId, cancellationToken);
        return bytes is { Length: sizeof(long) } ? new DateTimeOffset(BitConverter.ToInt64(bytes), TimeSpan.Zero) : null;
    }
}

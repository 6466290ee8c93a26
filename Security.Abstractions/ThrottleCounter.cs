namespace Security.Abstractions;

/// <summary>Failed login attempts counted for one key (a username or a client address).</summary>
/// <param name="Key">What is counted, e.g. <c>user:alice</c> or <c>ip:203.0.113.7</c>.</param>
/// <param name="Count">Failures since the last reset.</param>
/// <param name="LastFailure">When the latest failure was counted.</param>
public sealed record ThrottleCounter(string Key, long Count, DateTimeOffset LastFailure)
{
    /// <summary>How long a counter lives after its last failure: 48 hours, long enough to outlast a slow guessing run.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(48);

    /// <summary>Whether the counter has expired at <paramref name="now"/> for the given lifetime.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="lifetime">How long a counter lives after its last failure.</param>
    public bool IsExpired(DateTimeOffset now, TimeSpan lifetime) => now - LastFailure >= lifetime;
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Security.Abstractions;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Options of login throttling (<c>services.AddLoginThrottling()</c>, <c>AddIdentity(...).AddLoginThrottling()</c>),
/// bound from <c>Security:Auth:Throttling</c>; code configuration wins.
/// </summary>
public sealed class LoginThrottlingOptions
{
    /// <summary>The configuration section the options are bound from: <c>Security:Auth:Throttling</c>.</summary>
    public const string SectionName = "Security:Auth:Throttling";

    /// <summary>
    /// The secret that user names are hashed with (HMAC-SHA256) before they become counter keys, at least 32
    /// characters, e.g. from a secret store. Counter keys never hold what people typed (often a mistyped
    /// password). Required when counters live in a shared store (the database), so every instance derives the same
    /// keys; default <see langword="null"/>: a random key per process, enough for the in-memory store.
    /// </summary>
    public string? UsernameHashKey { get; set; }

    /// <summary>
    /// The most counters the default in-memory store keeps; past it, expired counters and then the oldest are
    /// dropped. Default 100,000.
    /// </summary>
    public int MaxInMemoryCounters { get; set; } = InMemoryThrottleCounterStore.DefaultMaxEntries;

    /// <summary>
    /// The most failed sign-ins one client (an IPv4 address, or an IPv6 /64 network) may make over
    /// <see cref="ClientFailureWindow"/>, whatever user names they name: the budget that stops password spraying
    /// (a few guesses each for many names). Past it, every attempt from that client is refused until the window
    /// has slid on. Successful sign-ins and refused attempts do not count. Default 20; 0 turns the budget off.
    /// </summary>
    public int ClientFailureLimit { get; set; } = 20;

    /// <summary>
    /// The window <see cref="ClientFailureLimit"/> is counted over, sliding (the previous window's failures weigh
    /// by how much of it still overlaps). Default 5 minutes.
    /// </summary>
    public TimeSpan ClientFailureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Maps (user failures, IP failures) to (user delay, IP delay); an attempt is throttled while
    /// <c>max(lastUserFailure + userDelay, lastIpFailure + ipDelay)</c> is in the future.
    /// Default <see cref="DefaultDelay"/>.
    /// </summary>
    public Func<long, long, (TimeSpan UserDelay, TimeSpan IpDelay)> DelayFunction { get; set; } = DefaultDelay;

    /// <summary>
    /// Decides who may use the reset endpoint (<c>MapLoginThrottlingReset</c>). Default: users in role <c>Admin</c>.
    /// </summary>
    public Func<HttpContext, ClaimsPrincipal, ValueTask<bool>> IsSuperuser { get; set; } = SecurityUsers.IsInAdminRole;

    /// <summary>
    /// Decides whether a user name (as typed, trimmed) names a user, for the reset endpoint.
    /// Default <see langword="null"/>: Identity's <c>FindByNameAsync</c> when Identity is throttled,
    /// else whether the name has a counter.
    /// </summary>
    public Func<HttpContext, string, ValueTask<bool>>? UserExists { get; set; }

    /// <summary>
    /// The default per-user delay: fewer than 3 failures, no delay; then 5 seconds doubling with
    /// each failure (5 s, 10 s, 20 s, ...) up to one day. The per-address counter is not used here: spraying over
    /// many names is stopped by <see cref="ClientFailureLimit"/>.
    /// </summary>
    /// <param name="userFailures">Failures counted for the user.</param>
    /// <param name="ipFailures">Failures counted for the client address (unused).</param>
    public static (TimeSpan UserDelay, TimeSpan IpDelay) DefaultDelay(long userFailures, long ipFailures)
    {
        if (userFailures < 3)
        {
            return (TimeSpan.Zero, TimeSpan.Zero);
        }

        var exponent = userFailures - 3;
        var seconds = exponent >= 15 ? 86400 : Math.Min(5L << (int)exponent, 86400);
        return (TimeSpan.FromSeconds(seconds), TimeSpan.Zero);
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Security.Abstractions;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Options of login throttling (<c>app.UseLoginThrottling()</c>), bound from
/// <c>Security:Auth:Throttling</c>; code configuration wins.
/// </summary>
public sealed class LoginThrottlingOptions
{
    /// <summary>The configuration section the options are bound from: <c>Security:Auth:Throttling</c>.</summary>
    public const string SectionName = "Security:Auth:Throttling";

    /// <summary>
    /// Login paths, for apps that do not mark their login endpoints with <c>.RequireLoginThrottling()</c> or
    /// <c>[LoginThrottling]</c>, e.g. <c>/account/login</c>. Matched as routing matches: ignoring case and a
    /// trailing slash, relative to the app's <c>PathBase</c>. A POST, PUT or other unsafe request to one of
    /// them is a login attempt. Default empty.
    /// </summary>
    public IList<string> LoginPaths { get; } = [];

    /// <summary>
    /// Login paths (each also in <see cref="LoginPaths"/>) whose throttled attempts re-render the login
    /// page instead of a bare 429: the request is replayed as a <c>GET</c> of the same path with status
    /// 429, <c>Retry-After</c> and an <see cref="ILoginThrottlingFeature"/> carrying the message for the
    /// page to show. Endpoints say the same with <c>RenderLoginPage</c> on their metadata.
    /// </summary>
    public IList<string> LoginPagePaths { get; } = [];

    /// <summary>
    /// The field holding the user name: a form field, a query-string or route value, or a top-level property of a
    /// JSON body (matched ignoring case). Default <c>username</c> (Identity's default UI uses <c>Input.Email</c>).
    /// </summary>
    public string UsernameField { get; set; } = "username";

    /// <summary>
    /// Reads the user name of an attempt your own way (e.g. from a custom body format); <see langword="null"/>
    /// for an attempt without one, which counts against the client address only. The value is then trimmed and
    /// normalized as usual. Default <see langword="null"/>: <see cref="UsernameField"/> from the form, a JSON body,
    /// the route or the query string, refusing an attempt that carries it twice.
    /// </summary>
    public Func<HttpContext, ValueTask<string?>>? UsernameReader { get; set; }

    /// <summary>
    /// The longest user name accepted, after trimming; a longer one is refused with 400 before the app runs.
    /// Default 256 (the length of Identity's user name column).
    /// </summary>
    public int MaxUsernameLength { get; set; } = 256;

    /// <summary>
    /// The largest JSON body read for the user name, in bytes; a larger login attempt is refused with 413.
    /// Default 65,536 (64 KiB).
    /// </summary>
    public int MaxJsonBodySize { get; set; } = 64 * 1024;

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
    /// The authentication scheme whose sign-in counts as a successful login. Default <see langword="null"/>: a
    /// sign-in to any scheme (Identity's <c>Identity.Application</c>, or its two-factor step after a right
    /// password).
    /// </summary>
    public string? SignInScheme { get; set; }

    /// <summary>
    /// Decides from the finished response whether the attempt succeeded, for logins that issue no sign-in (a
    /// token endpoint). Default <see langword="null"/>: success when the app signed a user in during the attempt
    /// (<c>HttpContext.SignInAsync</c>, <c>SignInManager</c>); a renewed cookie is never a success.
    /// </summary>
    public Func<HttpContext, bool>? IsSuccessfulLogin { get; set; }

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
    /// Default <see langword="null"/>: Identity's <c>FindByNameAsync</c> when Identity is registered,
    /// else whether the name has a counter.
    /// </summary>
    public Func<HttpContext, string, ValueTask<bool>>? UserExists { get; set; }

    /// <summary>
    /// The original's delay function: fewer than 3 failures, no delay; then 5 seconds doubling with
    /// each failure (5 s, 10 s, 20 s, ...) up to one day. Client addresses are not throttled.
    /// </summary>
    /// <param name="userFailures">Failures counted for the user name.</param>
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

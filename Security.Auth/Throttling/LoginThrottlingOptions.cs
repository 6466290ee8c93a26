using System.Security.Claims;
using Microsoft.AspNetCore.Http;

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
    /// The login paths, compared ignoring case, e.g. <c>/account/login</c>. A POST or PUT to one of
    /// them is a login attempt. At least one is required.
    /// </summary>
    public IList<string> LoginPaths { get; } = [];

    /// <summary>
    /// Login paths (each also in <see cref="LoginPaths"/>) whose throttled attempts re-render the login
    /// page instead of a bare 429: the request is replayed as a <c>GET</c> of the same path with status
    /// 429, <c>Retry-After</c> and an <see cref="ILoginThrottlingFeature"/> carrying the message for the
    /// page to show. Needs <c>UseLoginThrottling()</c> before <c>UseRouting()</c>.
    /// </summary>
    public IList<string> LoginPagePaths { get; } = [];

    /// <summary>The form field holding the user name. Default <c>username</c> (Identity's default UI uses <c>Input.Email</c>).</summary>
    public string UsernameField { get; set; } = "username";

    /// <summary>
    /// The cookie scheme whose cookie marks a successful sign-in. Default <see langword="null"/>: the
    /// default authenticate scheme (Identity's <c>Identity.Application</c>, or your cookie scheme).
    /// </summary>
    public string? SignInScheme { get; set; }

    /// <summary>
    /// Decides from the finished response whether the attempt signed the user in. Default
    /// <see langword="null"/>: success when the response sets a non-empty cookie of the sign-in scheme
    /// (see <see cref="SignInScheme"/>); anything else is a failure.
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
    /// Decides whether a user name (as typed, lower-cased) names a user, for the reset endpoint.
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

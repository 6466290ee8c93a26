using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Security.Auth;

/// <summary>
/// Options of the login-required middleware (<c>app.UseLoginRequired()</c>), bound from
/// <c>Security:Auth:LoginRequired</c>; code configuration wins.
/// </summary>
public sealed class LoginRequiredOptions
{
    /// <summary>The configuration section the options are bound from: <c>Security:Auth:LoginRequired</c>.</summary>
    public const string SectionName = "Security:Auth:LoginRequired";

    /// <summary>
    /// Where a sign-in redirect goes instead of the default challenge scheme's own page: a local path relative to the
    /// app (<c>/account/login</c>, sent as <c>/app/account/login</c> under <c>UsePathBase("/app")</c>) or an absolute
    /// http(s) URL (<c>https://sso.example.com/login?app=1</c>), with <see cref="ReturnUrlParameter"/> and the return
    /// path appended. It changes where the scheme's redirect goes, never whether there is one: an API endpoint or a
    /// bearer scheme still answers 401. Default <see langword="null"/>: the scheme's own redirect (the cookie
    /// handler's <c>LoginPath</c> with its <c>ReturnUrlParameter</c>, e.g. <c>/Account/Login?ReturnUrl=%2Fhome</c>).
    /// </summary>
    public string? LoginUrl { get; set; }

    /// <summary>
    /// The query parameter that carries the return path in a redirect to <see cref="LoginUrl"/>, e.g. <c>next</c>;
    /// only with <see cref="LoginUrl"/> set (the cookie scheme's own redirect uses its
    /// <c>CookieAuthenticationOptions.ReturnUrlParameter</c>). Default <see langword="null"/>: the default challenge
    /// cookie scheme's <c>ReturnUrlParameter</c> (<c>ReturnUrl</c>), else <c>next</c>.
    /// </summary>
    public string? ReturnUrlParameter { get; set; }

    /// <summary>
    /// Path patterns (regular expressions matched against the path without its leading slash, anchored at the
    /// start only, ignoring case) that anonymous users may reach, e.g. <c>public/</c>,
    /// <c>health$</c>. Always public without a pattern: <c>[AllowAnonymous]</c> endpoints, static-asset endpoints
    /// (<c>MapStaticAssets()</c>), error pages re-executed by <c>UseExceptionHandler</c> or
    /// <c>UseStatusCodePagesWithReExecute</c>, and the login, logout and access-denied paths of every cookie scheme.
    /// </summary>
    public IList<string> ExemptPaths { get; } = [];

    /// <summary>
    /// Decides whether an authenticated user is inactive; inactive users are logged out through
    /// <c>ISecurityLogoutHandler</c> and then treated as anonymous. Default <see langword="null"/>:
    /// with ASP.NET Core Identity registered, a user Identity reports as locked out, or no longer finds
    /// (deleted), is inactive, checked at most once per <see cref="ValidationInterval"/>; without Identity,
    /// nobody is. A function set here is called on every request.
    /// </summary>
    public Func<HttpContext, ClaimsPrincipal, ValueTask<bool>>? IsInactive { get; set; }

    /// <summary>
    /// How long Identity's "this user is active" answer is remembered per user on this instance, so signed-in
    /// requests in between cost no database query. A lockout or deletion made through this instance's
    /// <c>UserManager</c> (with <c>AddIdentity(...).AddPasswordExpiry()</c>) applies on the next request; one made
    /// elsewhere (another instance, the database) applies within this interval. Default 1 minute;
    /// <see cref="TimeSpan.Zero"/> checks every request. At most 1 day.
    /// </summary>
    public TimeSpan ValidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}

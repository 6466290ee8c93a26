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
    /// Where anonymous users are sent, a local path relative to the app (<c>/account/login</c>, sent as
    /// <c>/app/account/login</c> under <c>UsePathBase("/app")</c>) or an absolute http(s) URL.
    /// Default <see langword="null"/>: the <c>LoginPath</c> of the cookie scheme that challenges by
    /// default (Identity's <c>/Account/Login</c>); without one the first request fails naming this option.
    /// </summary>
    public string? LoginUrl { get; set; }

    /// <summary>
    /// The query parameter that carries the return path. Default <see langword="null"/>: the cookie
    /// scheme's <c>ReturnUrlParameter</c> (<c>ReturnUrl</c>) when cookie authentication challenges by
    /// default, else <c>next</c> as in the original.
    /// </summary>
    public string? ReturnUrlParameter { get; set; }

    /// <summary>
    /// Path patterns (regular expressions matched against the path without its leading slash, anchored at the
    /// start only, ignoring case) that anonymous users may reach, e.g. <c>public/</c>,
    /// <c>health$</c>. The login path and <c>[AllowAnonymous]</c> endpoints are always exempt.
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

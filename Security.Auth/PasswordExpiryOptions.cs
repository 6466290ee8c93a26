using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Options of the mandatory password change (<c>app.UsePasswordExpiry()</c>), bound from
/// <c>Security:Auth:PasswordExpiry</c>; code configuration wins.
/// </summary>
public sealed class PasswordExpiryOptions
{
    /// <summary>The configuration section the options are bound from: <c>Security:Auth:PasswordExpiry</c>.</summary>
    public const string SectionName = "Security:Auth:PasswordExpiry";

    /// <summary>Where users with an expired password are sent (required), e.g. <c>/account/change-password</c>. Never redirected itself.</summary>
    public string? ChangePasswordUrl { get; set; }

    /// <summary>
    /// Path patterns never redirected, e.g. <c>account/logout$</c>: regular expressions matched against the path
    /// without its leading slash, anchored at the start only, ignoring case. Checked before any endpoint lookup.
    /// Prefer <c>.AllowExpiredPassword()</c> on the endpoints themselves.
    /// </summary>
    public IList<string> ExemptPaths { get; } = [];

    /// <summary>Endpoint names (<c>.WithName("logout")</c>, route names) never redirected. Needs the middleware after <c>UseRouting()</c>.</summary>
    public IList<string> ExemptEndpointNames { get; } = [];

    /// <summary>Whether superusers are also forced to change an expired password. Default <see langword="false"/>.</summary>
    public bool IncludeSuperusers { get; set; }

    /// <summary>
    /// Whether a user with no expiry record gets one that is already expired on first check, so a new
    /// user must change an initial password someone else chose or saw. Default <see langword="true"/>;
    /// <see langword="false"/> creates a record that never expires.
    /// </summary>
    public bool ExpireNewUsers { get; set; } = true;

    /// <summary>
    /// How long a changed password lasts: a successful change sets the expiry to now + this age.
    /// Default <see langword="null"/>: a changed password never expires (forced periodic changes make passwords weaker, NIST SP 800-63B).
    /// </summary>
    public TimeSpan? MaxPasswordAge { get; set; }

    /// <summary>
    /// How long a user's expiry record is remembered on this instance, so signed-in requests in between cost no
    /// database query. The record's own date is still compared with the clock on every request. A change through
    /// <see cref="PasswordExpiryManager"/> on this instance (and so through <c>UserManager</c> with
    /// <c>AddIdentity(...).AddPasswordExpiry()</c>) applies on the next request; one made elsewhere (another
    /// instance, the database) within this interval. Default 1 minute; <see cref="TimeSpan.Zero"/> reads the
    /// record on every request. At most 1 day.
    /// </summary>
    public TimeSpan ValidationInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Decides who is a superuser. Default: users in role <c>Admin</c>.</summary>
    public Func<HttpContext, ClaimsPrincipal, ValueTask<bool>> IsSuperuser { get; set; } = SecurityUsers.IsInAdminRole;

    /// <summary>
    /// The user id the record is kept under. Default: the <c>NameIdentifier</c> claim (Identity's user id),
    /// else the user name. A user without one is not checked.
    /// </summary>
    public Func<ClaimsPrincipal, string?> UserId { get; set; } = SecurityUsers.DefaultUserId;
}

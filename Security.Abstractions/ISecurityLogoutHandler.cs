using Microsoft.AspNetCore.Http;

namespace Security.Abstractions;

/// <summary>
/// Logs a user out when a Security.* middleware decides to (an inactive user, an expired session).
/// Register your own to run extra clean-up; the default is <see cref="DefaultSecurityLogoutHandler"/>.
/// </summary>
public interface ISecurityLogoutHandler
{
    /// <summary>Signs the current user out and clears what belongs to their session.</summary>
    /// <param name="context">The current request.</param>
    Task LogoutAsync(HttpContext context);
}

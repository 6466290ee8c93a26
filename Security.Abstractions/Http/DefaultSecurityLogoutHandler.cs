using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Abstractions;

/// <summary>
/// The default <see cref="ISecurityLogoutHandler"/>: signs out of the default authentication
/// scheme (when authentication is registered), clears the session (when sessions are in use) and
/// replaces the request's user with an anonymous one, so later middleware treats the request as anonymous.
/// </summary>
public sealed class DefaultSecurityLogoutHandler : ISecurityLogoutHandler
{
    /// <inheritdoc />
    public async Task LogoutAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Sign out only where a scheme can: SignOutAsync throws without one, or for one that
        // cannot sign out (a bearer-token scheme such as JwtBearer).
        var schemes = context.RequestServices.GetService<IAuthenticationSchemeProvider>();
        if (schemes is not null &&
            await schemes.GetDefaultSignOutSchemeAsync().ConfigureAwait(false) is { } scheme &&
            typeof(IAuthenticationSignOutHandler).IsAssignableFrom(scheme.HandlerType))
        {
            await context.SignOutAsync().ConfigureAwait(false);
        }

        if (context.Features.Get<ISessionFeature>()?.Session is { } session)
        {
            session.Clear();
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity());
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Abstractions;

/// <summary>
/// The default <see cref="ISecurityLogoutHandler"/>: signs out of the default authenticate scheme
/// (the one that signed the user in) and the default sign-out scheme when they differ, clears the
/// session (when sessions are in use) and replaces the request's user with an anonymous one, so
/// later middleware treats the request as anonymous.
/// </summary>
/// <remarks>
/// Both schemes matter under ASP.NET Core Identity: its application cookie is the default
/// authenticate scheme while its default sign-out scheme is the external cookie.
/// </remarks>
public sealed class DefaultSecurityLogoutHandler : ISecurityLogoutHandler
{
    /// <inheritdoc />
    public async Task LogoutAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Sign out only where a scheme can: SignOutAsync throws without one, or for one that
        // cannot sign out (a bearer-token scheme such as JwtBearer).
        if (context.RequestServices.GetService<IAuthenticationSchemeProvider>() is { } schemes)
        {
            var authenticate = await schemes.GetDefaultAuthenticateSchemeAsync();
            var signOut = await schemes.GetDefaultSignOutSchemeAsync();
            await SignOutAsync(context, authenticate);
            if (signOut is not null && !string.Equals(signOut.Name, authenticate?.Name, StringComparison.Ordinal))
            {
                await SignOutAsync(context, signOut);
            }
        }

        if (context.Features.Get<ISessionFeature>()?.Session is { } session)
        {
            session.Clear();
        }

        context.User = new ClaimsPrincipal(new ClaimsIdentity());
    }

    private static Task SignOutAsync(HttpContext context, AuthenticationScheme? scheme) =>
        scheme is not null && typeof(IAuthenticationSignOutHandler).IsAssignableFrom(scheme.HandlerType)
            ? context.SignOutAsync(scheme.Name)
            : Task.CompletedTask;
}

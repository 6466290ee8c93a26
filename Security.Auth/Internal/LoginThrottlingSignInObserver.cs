using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Internal;

/// <summary>
/// Tells the throttling middleware that a login attempt signed a user in. Only a real sign-in reaches an
/// observer; a renewed cookie (sliding expiration, a security-stamp refresh) never does, so an attacker's own
/// valid cookie sent along with a wrong guess cannot pass for a success.
/// </summary>
internal sealed class LoginThrottlingSignInObserver(IOptions<LoginThrottlingOptions> options) : ISecuritySignInObserver
{
    private readonly string? _scheme = options.Value.SignInScheme;

    public ValueTask OnSigningInAsync(SecuritySignIn signIn) => ValueTask.CompletedTask;

    public async ValueTask OnSignedInAsync(SecuritySignIn signIn)
    {
        if (signIn.HttpContext.Features.Get<LoginAttemptFeature>() is not { } attempt)
        {
            return;
        }

        if (_scheme is not null)
        {
            var scheme = signIn.Scheme;
            if (scheme is null && signIn.HttpContext.RequestServices.GetService<IAuthenticationSchemeProvider>() is { } schemes)
            {
                scheme = (await schemes.GetDefaultSignInSchemeAsync())?.Name;
            }

            if (!string.Equals(scheme, _scheme, StringComparison.Ordinal))
            {
                return;
            }
        }

        attempt.SignedIn = true;
    }
}

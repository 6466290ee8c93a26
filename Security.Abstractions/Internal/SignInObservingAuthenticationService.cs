using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Security.Abstractions.Internal;

// Every sign-in goes through IAuthenticationService.SignInAsync (HttpContext.SignInAsync,
// SignInManager), while cookie renewal is written by the handler itself: so wrapping this one
// call observes real sign-ins and nothing else.
internal sealed class SignInObservingAuthenticationService(IAuthenticationService inner, IEnumerable<ISecuritySignInObserver> observers)
    : IAuthenticationService
{
    private readonly ISecuritySignInObserver[] _observers = observers.ToArray();

    public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) => inner.AuthenticateAsync(context, scheme);

    public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ChallengeAsync(context, scheme, properties);

    public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.ForbidAsync(context, scheme, properties);

    public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => inner.SignOutAsync(context, scheme, properties);

    public async Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties)
    {
        if (_observers.Length == 0)
        {
            await inner.SignInAsync(context, scheme, principal, properties);
            return;
        }

        var signIn = new SecuritySignIn(context, scheme, principal, properties ?? new AuthenticationProperties());
        foreach (var observer in _observers)
        {
            await observer.OnSigningInAsync(signIn);
        }

        await inner.SignInAsync(context, scheme, principal, signIn.Properties);

        foreach (var observer in _observers)
        {
            await observer.OnSignedInAsync(signIn);
        }
    }
}

namespace Security.Abstractions;

/// <summary>
/// Told of every real sign-in (<c>HttpContext.SignInAsync</c>, and so Identity's
/// <c>SignInManager</c>), without changes to the app's login code. A renewed authentication cookie
/// (sliding expiration, Identity's security-stamp refresh) is not a sign-in and is never reported.
/// Register one with <c>services.AddSecuritySignInObserver&lt;T&gt;()</c>.
/// </summary>
public interface ISecuritySignInObserver
{
    /// <summary>
    /// Called before the authentication handler writes the ticket: items added to
    /// <see cref="SecuritySignIn.Properties"/> are kept in the ticket and survive its renewal.
    /// </summary>
    /// <param name="signIn">The sign-in under way.</param>
    ValueTask OnSigningInAsync(SecuritySignIn signIn);

    /// <summary>Called after the authentication handler has signed the user in.</summary>
    /// <param name="signIn">The sign-in that happened.</param>
    ValueTask OnSignedInAsync(SecuritySignIn signIn);
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Identity's sign-in manager with login throttling where the password is checked: <c>PasswordSignInAsync</c> (by
/// name, names that match no user included), <c>CheckPasswordSignInAsync</c> and the two-factor and recovery-code
/// sign-ins, so every login page and API that signs in through Identity (its default UI, <c>MapIdentityApi</c>'s
/// <c>/login</c>, the Blazor template's components, a page of the app's own) is throttled with no per-page setup.
/// A throttled attempt never checks the password and returns <see cref="SignInResult.LockedOut"/>, which Identity's
/// callers already handle (the default UI shows its lockout page, <c>MapIdentityApi</c> answers 401); the request
/// then carries <see cref="ILoginThrottlingFeature"/> with the message. Counters are kept per user Identity found
/// (by id), and per normalized name for names that match no user. Only the attempted user's own successful sign-in
/// resets that user's counters.
/// Installed by <c>AddIdentity(...).AddLoginThrottling()</c>; an app with a sign-in manager of its own derives it
/// from this class and registers it with <c>AddSignInManager&lt;T&gt;()</c> after that call.
/// </summary>
/// <typeparam name="TUser">The Identity user type.</typeparam>
public class LoginThrottlingSignInManager<TUser> : SignInManager<TUser>
    where TUser : class
{
    private readonly IHttpContextAccessor _contextAccessor;

    // Set while an attempt runs, so the nested calls Identity makes (PasswordSignInAsync -> CheckPasswordSignInAsync)
    // count once; flows with the call, not across concurrent calls.
    private readonly AsyncLocal<bool> _inAttempt = new();

    /// <summary>Creates the manager; the parameters are those of <see cref="SignInManager{TUser}"/>.</summary>
    /// <param name="userManager">The user manager.</param>
    /// <param name="contextAccessor">The accessor of the current request.</param>
    /// <param name="claimsFactory">The factory of the signed-in principal.</param>
    /// <param name="optionsAccessor">Identity's options.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="schemes">The authentication schemes.</param>
    /// <param name="confirmation">Decides whether a user may sign in.</param>
    public LoginThrottlingSignInManager(
        UserManager<TUser> userManager,
        IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<TUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor,
        ILogger<SignInManager<TUser>> logger,
        IAuthenticationSchemeProvider schemes,
        IUserConfirmation<TUser> confirmation)
        : base(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
    {
        _contextAccessor = contextAccessor;
    }

    /// <inheritdoc />
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (_inAttempt.Value || Throttle() is not { } throttle)
        {
            return await base.PasswordSignInAsync(userName, password, isPersistent, lockoutOnFailure);
        }

        ArgumentNullException.ThrowIfNull(userName);
        var user = await UserManager.FindByNameAsync(userName);
        if (user is not null)
        {
            return await AttemptAsync(throttle, user, userName, () => base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure));
        }

        // A name that matches no user is throttled like one that does, so throttling tells nobody which names exist.
        var normalized = UserManager.NormalizeName(userName);
        return await AttemptAsync(throttle.Service, throttle.Keys.User(normalized), [], userName, () => Task.FromResult(SignInResult.Failed));
    }

    /// <inheritdoc />
    public override async Task<SignInResult> PasswordSignInAsync(TUser user, string password, bool isPersistent, bool lockoutOnFailure) =>
        _inAttempt.Value || Throttle() is not { } throttle
            ? await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure)
            : await AttemptAsync(throttle, user, null, () => base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure));

    /// <inheritdoc />
    public override async Task<SignInResult> CheckPasswordSignInAsync(TUser user, string password, bool lockoutOnFailure) =>
        _inAttempt.Value || Throttle() is not { } throttle
            ? await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure)
            : await AttemptAsync(throttle, user, null, () => base.CheckPasswordSignInAsync(user, password, lockoutOnFailure));

    /// <inheritdoc />
    public override async Task<SignInResult> TwoFactorAuthenticatorSignInAsync(string code, bool isPersistent, bool rememberClient) =>
        await TwoFactorAttemptAsync(() => base.TwoFactorAuthenticatorSignInAsync(code, isPersistent, rememberClient));

    /// <inheritdoc />
    public override async Task<SignInResult> TwoFactorSignInAsync(string provider, string code, bool isPersistent, bool rememberClient) =>
        await TwoFactorAttemptAsync(() => base.TwoFactorSignInAsync(provider, code, isPersistent, rememberClient));

    /// <inheritdoc />
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode) =>
        await TwoFactorAttemptAsync(() => base.TwoFactorRecoveryCodeSignInAsync(recoveryCode));

    // A code is guessed for the user whose password step passed (the two-factor cookie's): counted under a key of
    // its own, so a user who mistyped the password twice is not held up at the code.
    private async Task<SignInResult> TwoFactorAttemptAsync(Func<Task<SignInResult>> signIn)
    {
        if (_inAttempt.Value || Throttle() is not { } throttle || await GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return await signIn();
        }

        var userId = await UserManager.GetUserIdAsync(user);
        return await AttemptAsync(throttle.Service, throttle.Keys.TwoFactor(userId), [throttle.Keys.UserId(userId)], await UserManager.GetUserNameAsync(user), signIn);
    }

    private async Task<SignInResult> AttemptAsync((LoginThrottle Service, LoginThrottlingKeys Keys) throttle, TUser user, string? typedName, Func<Task<SignInResult>> signIn)
    {
        var userId = await UserManager.GetUserIdAsync(user);
        return await AttemptAsync(throttle.Service, throttle.Keys.UserId(userId), [throttle.Keys.TwoFactor(userId)], typedName ?? await UserManager.GetUserNameAsync(user), signIn);
    }

    private async Task<SignInResult> AttemptAsync(LoginThrottle throttle, string userKey, string[] alsoReset, string? name, Func<Task<SignInResult>> signIn)
    {
        var context = _contextAccessor.HttpContext!;
        var attempt = await throttle.BeginKeyedAsync(context, userKey, alsoReset, name, context.RequestAborted);
        if (attempt.IsThrottled)
        {
            return SignInResult.LockedOut;
        }

        SignInResult result;
        _inAttempt.Value = true;
        try
        {
            result = await signIn();
        }
        finally
        {
            _inAttempt.Value = false;
        }

        // Only a completed sign-in of this user is a success: a password that still needs its second factor is not.
        if (result.Succeeded)
        {
            await attempt.SucceededAsync(CancellationToken.None);
        }
        else
        {
            attempt.Failed();
        }

        return result;
    }

    // Outside a request (a background job checking a password) there is no client to throttle.
    private (LoginThrottle Service, LoginThrottlingKeys Keys)? Throttle() =>
        _contextAccessor.HttpContext?.RequestServices is { } services && services.GetService<LoginThrottle>() is { } throttle
            ? (throttle, services.GetRequiredService<LoginThrottlingKeys>())
            : null;
}

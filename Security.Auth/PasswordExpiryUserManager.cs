using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Identity's <see cref="UserManager{TUser}"/> that keeps password expiry records: a successful
/// <see cref="ChangePasswordAsync"/>, <see cref="ResetPasswordAsync"/> or <see cref="AddPasswordAsync"/>
/// marks the password changed (never expiring, or expiring after <c>MaxPasswordAge</c>), and
/// <see cref="DeleteAsync"/> deletes the record. Every update of a user (lockout, password, security stamp, ...) and
/// its deletion also make login-required check the user again on this instance's next request. Registered by <c>AddIdentity(...).AddPasswordExpiry()</c>;
/// an app with its own user manager derives from this class instead of <see cref="UserManager{TUser}"/>.
/// </summary>
/// <typeparam name="TUser">The Identity user type.</typeparam>
public class PasswordExpiryUserManager<TUser> : UserManager<TUser>
    where TUser : class
{
    private readonly IServiceProvider _services;

    /// <summary>Creates the manager; the parameters are those of <see cref="UserManager{TUser}"/>, resolved from DI.</summary>
    /// <param name="store">The user store.</param>
    /// <param name="optionsAccessor">Identity's options.</param>
    /// <param name="passwordHasher">The password hasher.</param>
    /// <param name="userValidators">The user validators.</param>
    /// <param name="passwordValidators">The password validators.</param>
    /// <param name="keyNormalizer">The key normalizer.</param>
    /// <param name="errors">The error describer.</param>
    /// <param name="services">The app's services, where <see cref="PasswordExpiryManager"/> is found.</param>
    /// <param name="logger">The logger.</param>
    public PasswordExpiryUserManager(
        IUserStore<TUser> store,
        IOptions<IdentityOptions> optionsAccessor,
        IPasswordHasher<TUser> passwordHasher,
        IEnumerable<IUserValidator<TUser>> userValidators,
        IEnumerable<IPasswordValidator<TUser>> passwordValidators,
        ILookupNormalizer keyNormalizer,
        IdentityErrorDescriber errors,
        IServiceProvider services,
        ILogger<UserManager<TUser>> logger)
        : base(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    private PasswordExpiryManager Expiry => _services.GetRequiredService<PasswordExpiryManager>();

    /// <inheritdoc />
    public override async Task<IdentityResult> ChangePasswordAsync(TUser user, string currentPassword, string newPassword)
    {
        var result = await base.ChangePasswordAsync(user, currentPassword, newPassword);
        await MarkChangedAsync(user, result);
        return result;
    }

    /// <inheritdoc />
    public override async Task<IdentityResult> ResetPasswordAsync(TUser user, string token, string newPassword)
    {
        var result = await base.ResetPasswordAsync(user, token, newPassword);
        await MarkChangedAsync(user, result);
        return result;
    }

    /// <inheritdoc />
    public override async Task<IdentityResult> AddPasswordAsync(TUser user, string password)
    {
        var result = await base.AddPasswordAsync(user, password);
        await MarkChangedAsync(user, result);
        return result;
    }

    /// <inheritdoc />
    public override async Task<IdentityResult> DeleteAsync(TUser user)
    {
        // The id is read first: a store may clear it on delete.
        var userId = await GetUserIdAsync(user);
        var result = await base.DeleteAsync(user);
        ForgetActive(userId);
        if (result.Succeeded)
        {
            await Expiry.DeleteAsync(userId, CancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Updates the user in the store, then makes login-required check the user again on the next request: every
    /// change goes through here (lockout, failed attempts, password, security stamp, e-mail, ...).
    /// </summary>
    /// <param name="user">The user.</param>
    /// <returns>The store's result.</returns>
    protected override async Task<IdentityResult> UpdateUserAsync(TUser user)
    {
        var result = await base.UpdateUserAsync(user);
        ForgetActive(await GetUserIdAsync(user));
        return result;
    }

    // Also after a failed write: the stored user may have changed anyway (e.g. a concurrency failure).
    private void ForgetActive(string userId) => _services.GetService<UserCheckCache<bool>>()?.Invalidate(userId);

    private async Task MarkChangedAsync(TUser user, IdentityResult result)
    {
        if (result.Succeeded)
        {
            await Expiry.MarkPasswordChangedAsync(await GetUserIdAsync(user), CancellationToken);
        }
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Auth.Internal;

/// <summary>
/// What Security.Auth asks ASP.NET Core Identity: who a signed-in user is, whether that user is still active, whether
/// a user name exists. Registered by <c>AddIdentity(...).AddPasswordExpiry()</c>, which knows the user type from the
/// Identity builder; without it, login-required and the throttling reset endpoint do not ask Identity.
/// </summary>
internal abstract class IdentityUserAccess
{
    /// <summary>The user id Identity reads from the principal (its <c>UserIdClaimType</c>), or <see langword="null"/>.</summary>
    public abstract string? GetUserId(HttpContext context, ClaimsPrincipal principal);

    /// <summary>Whether the user with this id is gone (deleted) or locked out.</summary>
    public abstract ValueTask<bool> IsInactiveAsync(HttpContext context, string userId);

    /// <summary>The id of the user Identity finds by this name, or <see langword="null"/>.</summary>
    public abstract ValueTask<string?> FindUserIdAsync(HttpContext context, string userName);

    /// <summary>The user type's name, for messages.</summary>
    public abstract string UserTypeName { get; }

    /// <summary>
    /// Whether the user manager the app resolves reports changes (is a <c>PasswordExpiryUserManager</c>): an app may
    /// replace the one <c>.AddPasswordExpiry()</c> installed with its own. Creates one manager, in a scope of its own;
    /// <see langword="true"/> when none can be made outside a request.
    /// </summary>
    public abstract bool ReportsUserChanges(IServiceProvider services);

    /// <summary>The access for the Identity builder's user type.</summary>
    public static IdentityUserAccess For(IdentityBuilder builder) =>
        (IdentityUserAccess)Activator.CreateInstance(typeof(IdentityUserAccess<>).MakeGenericType(builder.UserType))!;

    /// <summary>
    /// Whether ASP.NET Core Identity is registered (<c>AddIdentity</c> and <c>AddIdentityCore</c> register its error
    /// describer whatever the user type), so an app that left out <c>.AddPasswordExpiry()</c> can be told.
    /// </summary>
    public static bool IsIdentityRegistered(IServiceProvider services) =>
        services.GetService<IServiceProviderIsService>()?.IsService(typeof(IdentityErrorDescriber)) == true;
}

internal sealed class IdentityUserAccess<TUser> : IdentityUserAccess
    where TUser : class
{
    private string? _userIdClaimType;

    public override string UserTypeName => typeof(TUser).Name;

    public override bool ReportsUserChanges(IServiceProvider services)
    {
        try
        {
            using var scope = services.CreateScope();
            return scope.ServiceProvider.GetService<UserManager<TUser>>() is null or PasswordExpiryUserManager<TUser>;
        }
        catch (Exception)
        {
            // A manager that cannot be made outside a request (its store needs the request, e.g. a tenant's
            // database) is given the benefit of the doubt: this check only decides whether to warn.
            return true;
        }
    }

    // What UserManager.GetUserId reads, without creating a user manager (and its store and DbContext) per request.
    public override string? GetUserId(HttpContext context, ClaimsPrincipal principal) =>
        principal.FindFirstValue(_userIdClaimType ??= context.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType);

    public override async ValueTask<bool> IsInactiveAsync(HttpContext context, string userId)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        var user = await manager.FindByIdAsync(userId);
        return user is null || await manager.IsLockedOutAsync(user);
    }

    public override async ValueTask<string?> FindUserIdAsync(HttpContext context, string userName)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        return await manager.FindByNameAsync(userName) is { } user ? await manager.GetUserIdAsync(user) : null;
    }
}

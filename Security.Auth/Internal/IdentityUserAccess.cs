using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Auth;

/// <summary>
/// What Security.Auth asks ASP.NET Core Identity, when the app registered a <c>UserManager&lt;TUser&gt;</c>:
/// who a signed-in user is, whether that user is still active, whether a user name exists.
/// </summary>
internal abstract class IdentityUserAccess
{
    /// <summary>The user id Identity reads from the principal (its <c>UserIdClaimType</c>), or <see langword="null"/>.</summary>
    public abstract string? GetUserId(HttpContext context, ClaimsPrincipal principal);

    /// <summary>Whether the user with this id is gone (deleted) or locked out.</summary>
    public abstract ValueTask<bool> IsInactiveAsync(HttpContext context, string userId);

    public abstract ValueTask<bool> UserExistsAsync(HttpContext context, string userName);

    /// <summary>
    /// <see langword="false"/> when the registered user manager is known not to be <c>PasswordExpiryUserManager</c>,
    /// so changes made through it are not reported to Security.Auth.
    /// </summary>
    public bool ReportsUserChanges { get; private set; } = true;

    /// <summary>The user type's name, for messages.</summary>
    public string UserTypeName { get; private set; } = "";

    /// <summary>Finds the app's Identity user type from its service registrations, or <see langword="null"/>.</summary>
    public static IdentityUserAccess? Find(IServiceCollection services)
    {
        IdentityUserAccess? found = null;
        foreach (var descriptor in services)
        {
            var type = descriptor.ServiceType;
            if (type.IsConstructedGenericType && type.GetGenericTypeDefinition() == typeof(UserManager<>))
            {
                var userType = type.GetGenericArguments()[0];
                found = (IdentityUserAccess)Activator.CreateInstance(typeof(IdentityUserAccess<>).MakeGenericType(userType))!;
                found.UserTypeName = userType.Name;
                // The last registration wins, as in DI; a factory's type is unknown and given the benefit of the doubt.
                found.ReportsUserChanges = descriptor.ImplementationType is not { } implementation ||
                    typeof(PasswordExpiryUserManager<>).MakeGenericType(userType).IsAssignableFrom(implementation);
            }
        }

        return found;
    }
}

internal sealed class IdentityUserAccess<TUser> : IdentityUserAccess
    where TUser : class
{
    private string? _userIdClaimType;

    // What UserManager.GetUserId reads, without creating a user manager (and its store and DbContext) per request.
    public override string? GetUserId(HttpContext context, ClaimsPrincipal principal) =>
        principal.FindFirstValue(_userIdClaimType ??= context.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType);

    public override async ValueTask<bool> IsInactiveAsync(HttpContext context, string userId)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        var user = await manager.FindByIdAsync(userId);
        return user is null || await manager.IsLockedOutAsync(user);
    }

    public override async ValueTask<bool> UserExistsAsync(HttpContext context, string userName)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        return await manager.FindByNameAsync(userName) is not null;
    }
}

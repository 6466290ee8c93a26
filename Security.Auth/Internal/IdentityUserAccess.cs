using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Finds the app's Identity user type from its service registrations, or <see langword="null"/>.</summary>
    public static IdentityUserAccess? Find(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            var type = descriptor.ServiceType;
            if (type.IsConstructedGenericType && type.GetGenericTypeDefinition() == typeof(UserManager<>))
            {
                var access = typeof(IdentityUserAccess<>).MakeGenericType(type.GetGenericArguments()[0]);
                return (IdentityUserAccess)Activator.CreateInstance(access)!;
            }
        }

        return null;
    }
}

internal sealed class IdentityUserAccess<TUser> : IdentityUserAccess
    where TUser : class
{
    public override string? GetUserId(HttpContext context, ClaimsPrincipal principal) =>
        context.RequestServices.GetRequiredService<UserManager<TUser>>().GetUserId(principal);

    public override async ValueTask<bool> IsInactiveAsync(HttpContext context, string userId)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        var user = await manager.FindByIdAsync(userId).ConfigureAwait(false);
        return user is null || await manager.IsLockedOutAsync(user).ConfigureAwait(false);
    }

    public override async ValueTask<bool> UserExistsAsync(HttpContext context, string userName)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        return await manager.FindByNameAsync(userName).ConfigureAwait(false) is not null;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth;

/// <summary>
/// What Security.Auth asks ASP.NET Core Identity, when the app registered a <c>UserManager&lt;TUser&gt;</c>:
/// whether a signed-in user is locked out, whether a user name exists.
/// </summary>
internal abstract class IdentityUserAccess
{
    public abstract ValueTask<bool> IsLockedOutAsync(HttpContext context, ClaimsPrincipal principal);

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
    public override async ValueTask<bool> IsLockedOutAsync(HttpContext context, ClaimsPrincipal principal)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        var user = await manager.GetUserAsync(principal).ConfigureAwait(false);
        return user is not null && await manager.IsLockedOutAsync(user).ConfigureAwait(false);
    }

    public override async ValueTask<bool> UserExistsAsync(HttpContext context, string userName)
    {
        var manager = context.RequestServices.GetRequiredService<UserManager<TUser>>();
        return await manager.FindByNameAsync(userName).ConfigureAwait(false) is not null;
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Auth;
using Security.Auth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Throttles ASP.NET Core Identity's sign-ins.</summary>
public static class LoginThrottlingIdentityBuilderExtensions
{
    /// <summary>
    /// Installs <see cref="LoginThrottlingSignInManager{TUser}"/> as the sign-in manager, so every password and
    /// two-factor sign-in through Identity is throttled (the default UI, <c>MapIdentityApi</c>, the app's own pages),
    /// and registers login throttling (<c>services.AddLoginThrottling()</c>) when it is not yet. Choose the counter
    /// store and the options on <c>services.AddLoginThrottling(...)</c>. An app with a sign-in manager of its own
    /// derives it from <see cref="LoginThrottlingSignInManager{TUser}"/> and calls <c>AddSignInManager&lt;T&gt;()</c>
    /// after this call; one that does not derive fails at startup, naming it.
    /// </summary>
    /// <param name="builder">The Identity builder from <c>AddIdentity</c>, <c>AddDefaultIdentity</c>, <c>AddIdentityCore</c> or <c>AddIdentityApiEndpoints</c>.</param>
    /// <returns>The Identity builder, for chaining.</returns>
    public static IdentityBuilder AddLoginThrottling(this IdentityBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddLoginThrottling();
        var managerType = typeof(LoginThrottlingSignInManager<>).MakeGenericType(builder.UserType);
        var baseType = typeof(SignInManager<>).MakeGenericType(builder.UserType);
        // What AddSignInManager() needs besides the manager, for AddIdentityCore apps that never called it.
        builder.Services.AddHttpContextAccessor();
        builder.Services.RemoveAll(baseType);
        builder.Services.AddScoped(baseType, managerType);
        builder.Services.TryAddScoped(managerType, sp => sp.GetRequiredService(baseType));
        builder.Services.TryAddSingleton(IdentityUserAccess.For(builder));
        builder.Services.AddSingleton(new ThrottledIdentityUser(builder.UserType));
        return builder;
    }
}

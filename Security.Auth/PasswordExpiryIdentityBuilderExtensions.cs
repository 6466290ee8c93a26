using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Auth;
using Security.Auth.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Ties ASP.NET Core Identity to the mandatory password change.</summary>
public static class PasswordExpiryIdentityBuilderExtensions
{
    /// <summary>
    /// Replaces the user manager with <see cref="PasswordExpiryUserManager{TUser}"/>, so that a
    /// successful <c>ChangePasswordAsync</c>, <c>ResetPasswordAsync</c> or <c>AddPasswordAsync</c> marks
    /// the password changed and <c>DeleteAsync</c> deletes the expiry record, with no change to the
    /// app's code. It also lets login-required and the throttling reset endpoint ask Identity about users of this
    /// builder's user type (locked out, deleted, known by name). Call it after <c>AddEntityFrameworkStores</c>; an
    /// app with its own user manager derives it from <see cref="PasswordExpiryUserManager{TUser}"/> and calls
    /// <c>AddUserManager&lt;T&gt;()</c> after this call.
    /// </summary>
    /// <param name="builder">The Identity builder from <c>AddIdentity</c> or <c>AddIdentityCore</c>.</param>
    /// <returns>The Identity builder, for chaining.</returns>
    public static IdentityBuilder AddPasswordExpiry(this IdentityBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddPasswordExpiryCore();
        var managerType = typeof(PasswordExpiryUserManager<>).MakeGenericType(builder.UserType);
        var baseType = typeof(UserManager<>).MakeGenericType(builder.UserType);
        builder.Services.Replace(ServiceDescriptor.Scoped(baseType, managerType));
        builder.Services.TryAddScoped(managerType, sp => sp.GetRequiredService(baseType));
        builder.Services.TryAddSingleton(IdentityUserAccess.For(builder));
        return builder;
    }
}

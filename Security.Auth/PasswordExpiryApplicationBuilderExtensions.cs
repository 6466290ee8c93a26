using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the mandatory password change to the pipeline.</summary>
public static class PasswordExpiryApplicationBuilderExtensions
{
    /// <summary>
    /// Redirects (302) signed-in users whose password has expired to the change page. Place it after
    /// <c>UseAuthentication()</c> (and after <c>UseLoginRequired()</c>), after <c>UseStaticFiles()</c>,
    /// and after <c>UseRouting()</c> when exempting endpoint names. Needs <c>services.AddPasswordExpiry()</c>: without it, this call throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UsePasswordExpiry(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<PasswordExpiryOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Auth", "AddPasswordExpiry(o => o.ChangePasswordUrl = ...)");
        return app.UseMiddleware<PasswordExpiryMiddleware>();
    }
}

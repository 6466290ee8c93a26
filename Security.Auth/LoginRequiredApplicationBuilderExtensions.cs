using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the login-required middleware to the pipeline.</summary>
public static class LoginRequiredApplicationBuilderExtensions
{
    /// <summary>
    /// Redirects anonymous requests to the login page (AJAX requests get 401 JSON). Place it after
    /// <c>UseRouting()</c> (so <c>[AllowAnonymous]</c> endpoints are seen) and <c>UseAuthentication()</c>,
    /// before <c>UseAuthorization()</c>. Needs <c>services.AddLoginRequired()</c>: without it, this call throws
    /// <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseLoginRequired(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<LoginRequiredOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Auth", "AddLoginRequired()");
        return app.UseMiddleware<LoginRequiredMiddleware>();
    }
}

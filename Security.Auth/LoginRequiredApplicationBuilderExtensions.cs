using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the login-required middleware to the pipeline.</summary>
public static class LoginRequiredApplicationBuilderExtensions
{
    /// <summary>
    /// Answers anonymous requests with the default challenge scheme's own challenge: the cookie handler's redirect to
    /// its <c>LoginPath</c> (a 401 for API endpoints), a bearer scheme's 401; AJAX requests get 401 with
    /// <c>{"login_url": ...}</c>. Public without configuration: <c>[AllowAnonymous]</c> and static-asset endpoints,
    /// re-executed error pages and the cookie schemes' login, logout and access-denied paths. Place it after
    /// <c>UseRouting()</c> (so endpoint metadata is seen) and <c>UseAuthentication()</c>, before
    /// <c>UseAuthorization()</c>. Needs <c>services.AddLoginRequired()</c>: without it, this call throws
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

using Security.Sessions;
using Security.Sessions.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the session expiry middleware to the pipeline.</summary>
public static class SessionExpiryApplicationBuilderExtensions
{
    /// <summary>
    /// Expires sessions on absolute age and inactivity. Place it after <c>UseSession()</c> and
    /// <c>UseAuthentication()</c>, and before <c>UseLoginRequired()</c> so an expired user is redirected to sign in.
    /// Needs <c>services.AddSessionExpiry()</c>: without it, this call throws <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application, for chaining.</returns>
    public static IApplicationBuilder UseSessionExpiry(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<SessionExpiryOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Sessions", "AddSessionExpiry()");
        return app.UseMiddleware<SessionExpiryMiddleware>();
    }
}

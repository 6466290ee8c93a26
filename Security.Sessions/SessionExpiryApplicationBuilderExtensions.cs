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
    /// A request with no session cookie and no signed-in user, and a static-asset endpoint, is passed through without
    /// loading, storing or creating a session; last activity is stored once it has moved by a tenth of the inactivity timeout.
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

using Security.Headers;
using Security.Headers.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the security headers middleware.</summary>
public static class SecurityHeadersApplicationBuilderExtensions
{
    /// <summary>
    /// Sends the configured security headers on every response, including static files, 404s and
    /// error pages (they are written when the response starts). Call it first in the pipeline,
    /// before <c>UseExceptionHandler</c>, <c>UseStatusCodePages</c> and <c>UseStaticFiles</c>. With
    /// <c>.AddSecureCookies()</c> it also runs ASP.NET Core's cookie policy middleware right after, so the policy covers
    /// every cookie written later in the pipeline. Requires <c>services.AddSecurityHeaders()</c>.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSecurityHeaders</c> was not called.</exception>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<SecurityHeadersOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Headers", "AddSecurityHeaders()");
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app.ApplicationServices.GetService(typeof(RegistrationMarker<SecureCookieOptions>)) is null ? app : app.UseCookiePolicy();
    }
}

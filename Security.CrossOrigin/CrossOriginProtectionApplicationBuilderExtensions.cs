using Security.CrossOrigin;
using Security.CrossOrigin.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the cross-origin request protection middleware.</summary>
public static class CrossOriginProtectionApplicationBuilderExtensions
{
    /// <summary>
    /// Refuses cross-origin requests a browser sends on another site's behalf with 403 and a problem details body:
    /// unsafe methods from other sites (CSRF), and with <see cref="CrossOriginProtectionMode.ResourceIsolation"/> also
    /// cross-site reads that are not navigations. Decided from <c>Sec-Fetch-Site</c>, else <c>Origin</c>; a request
    /// with neither (curl, a server) passes. Call it after <c>UseForwardedHeaders</c> (the request's own origin must be
    /// the public one) and <c>UseRouting</c> (endpoint metadata), before the endpoints and <c>UseAntiforgery</c>.
    /// Requires <c>services.AddCrossOriginProtection()</c>.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The application builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddCrossOriginProtection</c> was not called.</exception>
    public static IApplicationBuilder UseCrossOriginProtection(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<CrossOriginProtectionOptions>.ThrowIfMissing(app.ApplicationServices, "Security.CrossOrigin", "AddCrossOriginProtection()");
        return app.UseMiddleware<CrossOriginProtectionMiddleware>();
    }
}

using Security.Csp;
using Security.Csp.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the Content-Security-Policy middleware.</summary>
public static class CspApplicationBuilderExtensions
{
    /// <summary>
    /// Sends the configured CSP headers on every response (static files and error pages included),
    /// choosing the policy from the endpoint's metadata. Call it early, before <c>UseStaticFiles</c>.
    /// Needs <c>services.AddSecurityCsp(...)</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddSecurityCsp()</c> was not called.</exception>
    public static IApplicationBuilder UseContentSecurityPolicy(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<SecurityCspOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Csp", "AddSecurityCsp()");
        return app.UseMiddleware<CspMiddleware>();
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Csp;
using Security.Csp.Internal;
using Security.Csp.Internal.Dashboard;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CSP report dashboard.</summary>
public static class CspReportDashboardEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a read-only dashboard of stored CSP violation reports: <c>GET {pattern}</c> is an HTML page (groups by
    /// effective directive, blocked URI and document URI with counts, first and last seen; a per-hour chart; filters
    /// <c>hours</c> (1–720, default 24), <c>directive</c> and <c>page</c>), and <c>GET {pattern}/json</c> returns the
    /// same data as JSON. The page sends its own strict <c>Content-Security-Policy</c> (no script at all) and
    /// <c>Cache-Control: no-store</c>; the app's CSP is not applied to it. Needs <c>AddSecurityCsp</c>.
    /// </summary>
    /// <remarks>
    /// The dashboard shows which pages of the app are visited and by what, so it is closed by default: without
    /// authorization metadata it answers loopback requests only (403 to all others) and startup logs a warning.
    /// Chain <c>.RequireAuthorization(...)</c>, e.g. <c>app.MapCspReportDashboard().RequireAuthorization(p =&gt; p.RequireRole("Admin"))</c>,
    /// to let the policy decide, or <c>.AllowAnonymous()</c> to publish it.
    /// </remarks>
    /// <param name="endpoints">The route builder (the app).</param>
    /// <param name="pattern">The page's route, default <c>/security/csp-reports</c>.</param>
    /// <returns>The group of both endpoints, for <c>.RequireAuthorization(...)</c> and other conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddSecurityCsp()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapCspReportDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/security/csp-reports")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        RegistrationMarker<SecurityCspOptions>.ThrowIfMissing(endpoints.ServiceProvider, "Security.Csp", "AddSecurityCsp()");

        // Resolved on first request, not here, so a store that needs configuration fails at startup validation first.
        var services = endpoints.ServiceProvider;
        CspReportDashboard? dashboard = null;
        CspReportDashboard Dashboard() => dashboard ??= new CspReportDashboard(services.GetService<TimeProvider>() ?? TimeProvider.System, services.GetRequiredService<IOptions<SecurityCspOptions>>());

        var group = endpoints.MapGroup(pattern);
        group.MapGet(string.Empty, (RequestDelegate)(context => Dashboard().HandleHtmlAsync(context)))
            .WithDisplayName("CSP report dashboard");
        group.MapGet("/json", (RequestDelegate)(context => Dashboard().HandleJsonAsync(context)))
            .WithDisplayName("CSP report dashboard (JSON)");
        CspDashboardAccess.Apply(group, pattern, services);
        // The page sends its own, stricter policy; the app's policy would only add a second header.
        return group.DisableCsp();
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Security.Csp;
using Security.Csp.Internal;
using Security.Csp.Internal.Reports;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CSP violation report endpoint.</summary>
public static class CspReportEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the endpoint browsers POST violation reports to (legacy <c>application/csp-report</c> and
    /// Reporting API <c>application/reports+json</c>). Answers 204 when accepted, 405 (with <c>Allow: POST</c>)
    /// for other methods, 415 for other content types, 400 for bad JSON, text that is not valid Unicode or no report,
    /// 413 over <c>Security:Csp:Reports:MaxBodySize</c>, 429 (with <c>Retry-After</c>) past the per-client
    /// <c>Security:Csp:Reports:RateLimit</c>. Takes at most <c>Reports:MaxReportsPerRequest</c> reports from one body.
    /// Anonymous and exempt from antiforgery. Needs <c>AddSecurityCsp</c>.
    /// </summary>
    /// <param name="endpoints">The route builder (the app).</param>
    /// <param name="pattern">The route, default <c>/csp-report</c>; point <c>ReportUri</c>/<c>ReportToEndpoint</c> at it.</param>
    /// <returns>The endpoint's builder, for more conventions.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddSecurityCsp()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapCspReports(this IEndpointRouteBuilder endpoints, string pattern = "/csp-report")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        RegistrationMarker<SecurityCspOptions>.ThrowIfMissing(endpoints.ServiceProvider, "Security.Csp", "AddSecurityCsp()");

        // Resolved on first request, not here, so invalid options surface at startup validation.
        var services = endpoints.ServiceProvider;
        CspReportEndpoint? handler = null;
        return endpoints.Map(pattern, context => (handler ??= services.GetRequiredService<CspReportEndpoint>()).HandleAsync(context))
            .WithDisplayName("CSP violation reports")
            .DisableAntiforgery()
            .AllowAnonymous()
            .DisableCsp();
    }
}

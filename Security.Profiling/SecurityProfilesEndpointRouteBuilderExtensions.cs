using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Profiling;
using Security.Profiling.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the page that lists the latest profiles.</summary>
public static class SecurityProfilesEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET <paramref name="pattern"/></c> to an HTML page listing the latest profiles
    /// (<see cref="SecurityProfilingOptions.MaxStoredProfiles"/>), newest first. It is behind the same
    /// gate as profiling: anyone else, and everyone while profiling is disabled, gets 404.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder, e.g. <c>app</c>.</param>
    /// <param name="pattern">The route, default <c>/_profiles</c>.</param>
    /// <returns>A builder to add conventions to the endpoint, e.g. <c>.RequireAuthorization("Admins")</c>.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSecurityProfiling()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapSecurityProfiles(this IEndpointRouteBuilder endpoints, string pattern = "/_profiles")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var services = endpoints.ServiceProvider;
        RegistrationMarker<SecurityProfilingOptions>.ThrowIfMissing(services, "Security.Profiling", "AddSecurityProfiling()");
        var page = new ProfilesPage(
            services.GetRequiredService<IOptions<SecurityProfilingOptions>>(), services.GetRequiredService<ProfilingGate>(), services.GetRequiredService<ProfileStore>());
        return endpoints.MapGet(pattern, (RequestDelegate)page.InvokeAsync).WithDisplayName("Security profiles");
    }
}

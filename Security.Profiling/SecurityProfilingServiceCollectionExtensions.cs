using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Security.Profiling;
using Security.Profiling.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers per-request profiling.</summary>
public static class SecurityProfilingServiceCollectionExtensions
{
    /// <summary>
    /// Adds per-request profiling, bound to <c>Security:Profiling</c> in configuration
    /// (<see cref="SecurityProfilingOptions.SectionName"/>) and validated at startup;
    /// <paramref name="configure"/> runs after binding, so code wins. Profiling stays off until
    /// <see cref="SecurityProfilingOptions.Enabled"/> is <see langword="true"/>. Calling it again
    /// registers nothing twice and applies each <paramref name="configure"/> in call order.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options in code, e.g. <c>o =&gt; o.Enabled = builder.Environment.IsDevelopment()</c>.</param>
    /// <returns>A builder for add-ons, e.g. <c>.AddSampling()</c>.</returns>
    public static SecurityProfilingBuilder AddSecurityProfiling(this IServiceCollection services, Action<SecurityProfilingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (RegistrationMarker<SecurityProfilingOptions>.TryAddOptions<SecurityProfilingOptionsValidator>(services, SecurityProfilingOptions.SectionName, configure))
        {
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ProfilingStartupCheck>());
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ProfilingDiagnostics>();
            services.TryAddSingleton<ProfilingGate>();
            services.TryAddSingleton<ProfileStore>();
        }

        return new SecurityProfilingBuilder(services);
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Security.Profiling;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers per-request profiling.</summary>
public static class SecurityProfilingServiceCollectionExtensions
{
    /// <summary>
    /// Adds per-request profiling, bound to <c>Security:Profiling</c> in configuration and validated
    /// at startup; <paramref name="configure"/> runs after binding, so code wins. Profiling stays off
    /// until <see cref="SecurityProfilingOptions.Enabled"/> is <see langword="true"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options in code, e.g. <c>o =&gt; o.Enabled = builder.Environment.IsDevelopment()</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddSecurityProfiling(this IServiceCollection services, Action<SecurityProfilingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<SecurityProfilingOptions>().BindConfiguration(SecurityProfilingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityProfilingOptions>, SecurityProfilingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProfilingDiagnostics>();
        services.TryAddSingleton<ProfilingGate>();
        services.TryAddSingleton<ProfileStore>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Profiling;
using Security.Profiling.Sampling;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CPU sampling for Security.Profiling.</summary>
public static class SecurityProfilingSamplingServiceCollectionExtensions
{
    /// <summary>
    /// Lets profiled requests be CPU-sampled (their top functions, by inclusive and by exclusive
    /// samples) when <c>Security:Profiling:CpuSampling</c> is <see langword="true"/>; with it off,
    /// this registration does nothing at run time. Call it next to <c>AddSecurityProfiling()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddSecurityProfilingSampling(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IProfilingSampler, EventPipeSampler>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Profiling;
using Security.Profiling.Sampling.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds CPU sampling to Security.Profiling.</summary>
public static class SecurityProfilingBuilderSamplingExtensions
{
    /// <summary>
    /// Lets profiled requests be CPU-sampled (their top functions, by inclusive and by exclusive
    /// samples) when <c>Security:Profiling:CpuSampling</c> is <see langword="true"/>; with it off,
    /// this registration does nothing at run time. Calling it again registers nothing twice.
    /// </summary>
    /// <example><c>builder.Services.AddSecurityProfiling().AddSampling();</c></example>
    /// <param name="builder">The builder returned by <c>services.AddSecurityProfiling()</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static SecurityProfilingBuilder AddSampling(this SecurityProfilingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<IProfilingSampler, EventPipeSampler>();
        return builder;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Security.Profiling;

/// <summary>
/// Returned by <c>services.AddSecurityProfiling(...)</c>: add-ons hang off it, e.g.
/// <c>.AddSampling()</c> from the <c>Security.Profiling.Sampling</c> package.
/// </summary>
public sealed class SecurityProfilingBuilder
{
    internal SecurityProfilingBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }
}

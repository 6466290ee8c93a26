namespace Security.Profiling;

/// <summary>
/// Samples the call stacks of a profiled request, for the profile's top functions. The
/// <c>Security.Profiling.Sampling</c> package implements it
/// (<c>services.AddSecurityProfiling().AddSampling()</c>); profiling asks for it only when
/// <see cref="SecurityProfilingOptions.CpuSampling"/> is on.
/// </summary>
public interface IProfilingSampler
{
    /// <summary>
    /// Starts sampling for the request whose async flow calls it, or returns <see langword="null"/>
    /// when another request is being sampled (one sampling at a time).
    /// </summary>
    /// <returns>The running sampling, to stop when the request ends; or <see langword="null"/>.</returns>
    IProfilingSamplingSession? TryStart();
}

namespace Security.Profiling;

/// <summary>One running sampling, started by <see cref="IProfilingSampler.TryStart"/> in a request's async flow.</summary>
public interface IProfilingSamplingSession
{
    /// <summary>
    /// Stops sampling (called once, in the same async flow, when the request's pipeline has
    /// finished) and returns the top functions. Never throws: a failure is reported in
    /// <see cref="SampledFunctions.NotSampledReason"/>.
    /// </summary>
    /// <returns>The request's top functions, or the reason there are none.</returns>
    Task<SampledFunctions> StopAsync();
}

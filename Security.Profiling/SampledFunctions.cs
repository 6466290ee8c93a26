namespace Security.Profiling;

/// <summary>The top functions of a profiled request, from stack samples, or why there are none.</summary>
public sealed class SampledFunctions
{
    /// <summary>Creates the result of a sampling.</summary>
    /// <param name="samples">How many stack samples were attributed to the request.</param>
    /// <param name="byInclusive">The top methods by inclusive samples, most first.</param>
    /// <param name="byExclusive">The top methods by exclusive samples, most first.</param>
    /// <param name="interval">The time between two samples of one thread, e.g. 1 ms.</param>
    public SampledFunctions(int samples, IReadOnlyList<SampledFunction> byInclusive, IReadOnlyList<SampledFunction> byExclusive, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(byInclusive);
        ArgumentNullException.ThrowIfNull(byExclusive);
        Samples = samples;
        ByInclusive = byInclusive;
        ByExclusive = byExclusive;
        Interval = interval;
    }

    private SampledFunctions(string reason)
    {
        NotSampledReason = reason;
        ByInclusive = [];
        ByExclusive = [];
    }

    /// <summary>How many stack samples were attributed to the request.</summary>
    public int Samples { get; }

    /// <summary>The time between two samples of one thread, e.g. 1 ms: samples x interval estimates time.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The top methods by inclusive samples (on the stack at all), most first.</summary>
    public IReadOnlyList<SampledFunction> ByInclusive { get; }

    /// <summary>The top methods by exclusive samples (innermost frame), most first.</summary>
    public IReadOnlyList<SampledFunction> ByExclusive { get; }

    /// <summary>Why the request was not sampled, e.g. another request was being sampled; <see langword="null"/> when it was.</summary>
    public string? NotSampledReason { get; }

    /// <summary>A result without samples, saying why.</summary>
    /// <param name="reason">Why, e.g. <c>another profiled request was being sampled</c>.</param>
    /// <returns>The result.</returns>
    public static SampledFunctions NotSampled(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new SampledFunctions(reason);
    }
}

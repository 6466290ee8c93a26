namespace Security.Profiling;

/// <summary>
/// One method of a profiled request's top functions, with its sample counts: how often it was on
/// the sampled stacks (inclusive: time in it and what it called) and how often it was the
/// innermost frame (exclusive: time in its own code).
/// </summary>
public sealed class SampledFunction
{
    /// <summary>Creates an entry.</summary>
    /// <param name="name">The method, e.g. <c>MyApp.Orders.Price(int)</c> with its namespace and type.</param>
    /// <param name="inclusiveSamples">Samples with the method anywhere on the stack (counted once per sample).</param>
    /// <param name="exclusiveSamples">Samples with the method as the innermost frame.</param>
    public SampledFunction(string name, int inclusiveSamples, int exclusiveSamples)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        InclusiveSamples = inclusiveSamples;
        ExclusiveSamples = exclusiveSamples;
    }

    /// <summary>The method, e.g. <c>MyApp.Orders.Price(int)</c>.</summary>
    public string Name { get; }

    /// <summary>Samples with the method anywhere on the stack, counted once per sample.</summary>
    public int InclusiveSamples { get; }

    /// <summary>Samples with the method as the innermost frame.</summary>
    public int ExclusiveSamples { get; }
}

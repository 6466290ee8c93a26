using System.Diagnostics.Metrics;

namespace Security.Shared;

/// <summary>
/// The one way the packages create and record instruments: the shared <c>Security</c> meter from
/// <see cref="IMeterFactory"/>, and counters that cost nothing when no listener is attached.
/// </summary>
/// <remarks>Compiled into each package that uses it (see docs/conventions.md).</remarks>
internal static class SecurityMeter
{
    /// <summary>The shared meter (<c>Security</c>); <see cref="IMeterFactory"/> returns one instance per name.</summary>
    public static Meter Create(IMeterFactory meterFactory) => meterFactory.Create(Security.Abstractions.SecurityTelemetry.MeterName);

    /// <summary>Adds <paramref name="value"/> when a listener is attached.</summary>
    public static void Count(this Counter<long> counter, long value = 1)
    {
        if (counter.Enabled)
        {
            counter.Add(value);
        }
    }

    /// <summary>Adds <paramref name="value"/> with one tag when a listener is attached.</summary>
    public static void Count(this Counter<long> counter, string tag, object? tagValue, long value = 1)
    {
        if (counter.Enabled)
        {
            counter.Add(value, new KeyValuePair<string, object?>(tag, tagValue));
        }
    }

    /// <summary>Adds <paramref name="value"/> with two tags when a listener is attached.</summary>
    public static void Count(this Counter<long> counter, string tag1, object? value1, string tag2, object? value2, long value = 1)
    {
        if (counter.Enabled)
        {
            counter.Add(value, new KeyValuePair<string, object?>(tag1, value1), new KeyValuePair<string, object?>(tag2, value2));
        }
    }
}

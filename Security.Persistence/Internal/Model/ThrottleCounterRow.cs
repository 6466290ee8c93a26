namespace Security.Persistence.Internal.Model;

/// <summary>One row of the throttle counter table.</summary>
internal sealed class ThrottleCounterRow
{
    public string CounterKey { get; set; } = "";

    public long FailureCount { get; set; }

    public DateTimeOffset LastFailure { get; set; }
}

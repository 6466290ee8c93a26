using System.Diagnostics.Tracing;

namespace Security.Profiling.Sampling.Internal;

/// <summary>
/// Marks, in the sampling session's own event stream, when a thread starts and stops running the
/// sampled request's execution context. EventPipe stamps each mark with the thread's OS id and
/// the session's clock, the same as the stack samples, which is what lets a sample be attributed
/// to the request. Every session in the process receives every mark (several apps, or tests, may
/// sample at once), so each mark names the session it belongs to.
/// </summary>
[EventSource(Name = ProviderName)]
internal sealed class SamplingEventSource : EventSource
{
    public const string ProviderName = "Security-Profiling-Sampling";
    public const int EnterEventId = 1;
    public const int LeaveEventId = 2;

    public static readonly SamplingEventSource Log = new();

    private SamplingEventSource()
    {
    }

    /// <summary>This thread now runs the request that session <paramref name="session"/> samples.</summary>
    /// <param name="session">The sampling session's id.</param>
    [Event(EnterEventId, Level = EventLevel.Informational)]
    public void Enter(long session) => WriteEvent(EnterEventId, session);

    /// <summary>This thread no longer runs the request that session <paramref name="session"/> samples.</summary>
    /// <param name="session">The sampling session's id.</param>
    [Event(LeaveEventId, Level = EventLevel.Informational)]
    public void Leave(long session) => WriteEvent(LeaveEventId, session);
}

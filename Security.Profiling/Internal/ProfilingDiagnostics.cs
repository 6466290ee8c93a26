using Microsoft.Extensions.Logging;
using Security.Abstractions;

namespace Security.Profiling.Internal;

/// <summary>
/// What a profile records besides the request itself, made once per app: the collector of the
/// current async flow, the allocations of the threads that run it, its SQL commands
/// (<see cref="DatabaseCommandListener"/>) and its activities (<see cref="ProfilingActivityListener"/>).
/// Everything acts only while a profile is being collected in the current async flow.
/// </summary>
internal sealed class ProfilingDiagnostics : IDisposable
{
    // Set while a thread runs a profiled request's execution context: the thread's allocation
    // counter when it started to, so the request is charged what its own threads allocate.
    [ThreadStatic]
    private static long t_allocatedWhenEntered;

    // The change handler runs only on threads that switch to or from a context holding a
    // collector, that is only for profiled requests: an unprofiled context never holds one.
    private readonly AsyncLocal<ProfileCollector?> _current = new(OnFlowChanged);
    private readonly DatabaseCommandListener _commands;
    private readonly ProfilingActivityListener _activities;

    public ProfilingDiagnostics(ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger(SecurityTelemetry.LoggingCategoryPrefix + "Profiling");
        _commands = new DatabaseCommandListener(() => _current.Value, logger);
        _activities = new ProfilingActivityListener(() => _current.Value);
    }

    /// <summary>Starts collecting into <paramref name="collector"/> in the calling async flow.</summary>
    public void Begin(ProfileCollector collector)
    {
        _activities.ProfileStarted();
        _current.Value = collector;
    }

    /// <summary>Stops collecting in the calling async flow; call once per <see cref="Begin"/>.</summary>
    public void End()
    {
        _current.Value = null;
        _activities.ProfileEnded();
    }

    public void Dispose()
    {
        _commands.Dispose();
        _activities.Dispose();
    }

    private static void OnFlowChanged(AsyncLocalValueChangedArgs<ProfileCollector?> change)
    {
        if (ReferenceEquals(change.PreviousValue, change.CurrentValue))
        {
            return;
        }

        var now = GC.GetAllocatedBytesForCurrentThread();
        change.PreviousValue?.AddAllocated(now - t_allocatedWhenEntered);
        if (change.CurrentValue is not null)
        {
            t_allocatedWhenEntered = now;
        }
    }
}

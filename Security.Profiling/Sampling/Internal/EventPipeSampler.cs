using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Profiling.Sampling.Internal;

/// <summary>
/// Samples one profiled request at a time through an in-process EventPipe session. A second
/// profiled request that arrives while one is sampled gets no session (its profile says why):
/// the runtime's sample profiler pauses every thread once a millisecond, and two sessions would
/// double that for the whole process.
/// </summary>
internal sealed partial class EventPipeSampler : IProfilingSampler
{
    // Tells the sampling session which threads run the request: the handler runs on a thread each
    // time it switches to or from the sampled request's execution context (and only then: no
    // other context holds a value).
    private static readonly AsyncLocal<EventPipeSamplingSession?> Flow = new(OnFlowChanged);

    private readonly int _topFunctions;
    private readonly ILogger _logger;
    private int _busy;

    public EventPipeSampler(IOptions<SecurityProfilingOptions> options, ILoggerFactory loggerFactory)
    {
        _topFunctions = options.Value.TopFunctions;
        _logger = loggerFactory.CreateLogger(SecurityTelemetry.LoggingCategoryPrefix + "Profiling.Sampling");
    }

    public IProfilingSamplingSession? TryStart()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            return null;
        }

        EventPipeSamplingSession session;
        try
        {
            session = EventPipeSamplingSession.Start(_topFunctions, Release);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // No diagnostics server (DOTNET_EnableDiagnostics=0), no temp folder, ...: the profile
            // goes on without CPU data and says so.
            Release();
            Log.SamplingUnavailable(_logger, exception);
            return new UnavailableSession($"CPU sampling could not start: {exception.GetType().Name}");
        }

        Flow.Value = session;
        return new FlowSession(session, _logger);
    }

    private void Release() => Volatile.Write(ref _busy, 0);

    private static void OnFlowChanged(AsyncLocalValueChangedArgs<EventPipeSamplingSession?> change)
    {
        if (ReferenceEquals(change.PreviousValue, change.CurrentValue))
        {
            return;
        }

        if (change.PreviousValue is { } left)
        {
            SamplingEventSource.Log.Leave(left.Id);
        }

        if (change.CurrentValue is { } entered)
        {
            SamplingEventSource.Log.Enter(entered.Id);
        }
    }

    /// <summary>Clears the request's mark synchronously, in its flow, before stopping the session.</summary>
    private sealed class FlowSession(EventPipeSamplingSession session, ILogger logger) : IProfilingSamplingSession
    {
        public Task<SampledFunctions> StopAsync()
        {
            Flow.Value = null;
            return StopCoreAsync();
        }

        private async Task<SampledFunctions> StopCoreAsync()
        {
            try
            {
                return await session.StopAsync();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.SamplingFailed(logger, exception);
                return SampledFunctions.NotSampled($"CPU sampling failed: {exception.GetType().Name}");
            }
        }
    }

    private sealed class UnavailableSession(string reason) : IProfilingSamplingSession
    {
        public Task<SampledFunctions> StopAsync() => Task.FromResult(SampledFunctions.NotSampled(reason));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6011, EventName = "SamplingUnavailable", Level = LogLevel.Warning,
            Message = "CPU sampling could not start an EventPipe session in this process; profiles go on without top functions.")]
        public static partial void SamplingUnavailable(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 6012, EventName = "SamplingFailed", Level = LogLevel.Warning,
            Message = "CPU sampling failed while stopping or reading its EventPipe session; this profile has no top functions.")]
        public static partial void SamplingFailed(ILogger logger, Exception exception);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Security.Abstractions;

namespace Security.Profiling;

/// <summary>
/// The process-wide subscriptions, made once per app: EF Core's <see cref="DiagnosticListener"/>
/// command events and an <see cref="ActivityListener"/> on every source. Both act only when a
/// profile is being collected in the current async flow, so unprofiled requests pay one
/// <see cref="AsyncLocal{T}"/> read per event at most and nothing is created for them.
/// </summary>
internal sealed partial class ProfilingDiagnostics : IObserver<DiagnosticListener>, IDisposable
{
    internal const string EntityFrameworkListenerName = "Microsoft.EntityFrameworkCore";
    internal const string CommandExecutingEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuting";
    internal const string CommandExecutedEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";
    internal const string CommandErrorEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandError";
    private const string CollectorProperty = "Security.Profiling.Collector";

    private readonly AsyncLocal<ProfileCollector?> _current = new();
    private readonly ConcurrentDictionary<Type, bool> _unreadablePayloads = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private readonly ActivityListener _activityListener;
    private IDisposable? _allListeners;
    private bool _disposed;

    public ProfilingDiagnostics(ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger(SecurityTelemetry.LoggingCategoryPrefix + "Profiling");

        // AllData, not AllDataAndRecorded: profiling must not flip the sampled flag that
        // traceparent carries to downstream services. Returning None never suppresses another
        // listener's decision: the source takes the highest answer.
        _activityListener = new ActivityListener
        {
            ShouldListenTo = static _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
                _current.Value is null ? ActivitySamplingResult.None : ActivitySamplingResult.AllData,
            SampleUsingParentId = (ref ActivityCreationOptions<string> _) =>
                _current.Value is null ? ActivitySamplingResult.None : ActivitySamplingResult.AllData,
            // Tagging the activity with its collector at start keeps it in the right profile even
            // when it is stopped on another flow.
            ActivityStarted = activity =>
            {
                if (_current.Value is { } collector)
                {
                    activity.SetCustomProperty(CollectorProperty, collector);
                }
            },
            ActivityStopped = static activity =>
            {
                if (activity.GetCustomProperty(CollectorProperty) is ProfileCollector collector)
                {
                    collector.AddActivity(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activityListener);
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>The collector of the current async flow, if it is being profiled.</summary>
    public ProfileCollector? Current
    {
        get => _current.Value;
        set => _current.Value = value;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _allListeners?.Dispose();
            _allListeners = null;
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }

        _activityListener.Dispose();
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name != EntityFrameworkListenerName)
        {
            return;
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                // EF Core asks IsEnabled(name) before building each event: false outside a profile.
                _subscriptions.Add(listener.Subscribe(new CommandObserver(this), IsCommandEventWanted));
            }
        }
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    // CommandExecuting is asked for too though unused: when nothing wants it, EF Core stops
    // raising command events on that DbContext for its logging cache time (1 s by default).
    private bool IsCommandEventWanted(string name) =>
        _current.Value is not null && (name == CommandExecutedEvent || name == CommandErrorEvent || name == CommandExecutingEvent);

    private void OnCommandEvent(KeyValuePair<string, object?> value)
    {
        // A listener shared with other subscribers calls every observer: filter again.
        var collector = _current.Value;
        if (collector is null)
        {
            return;
        }

        var failed = value.Key == CommandErrorEvent;
        if (!failed && value.Key != CommandExecutedEvent)
        {
            return;
        }

        if (EfCommandEventReader.TryRead(value.Value, failed, out var command))
        {
            collector.AddCommand(command!);
        }
        else if (value.Value is { } payload && _unreadablePayloads.TryAdd(payload.GetType(), true))
        {
            Log.UnreadableCommandPayload(_logger, value.Key, payload.GetType().FullName);
        }
    }

    private sealed class CommandObserver(ProfilingDiagnostics owner) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value) => owner.OnCommandEvent(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3, EventName = "UnreadableCommandPayload", Level = LogLevel.Warning,
            Message = "EF Core event {EventName} carries a {PayloadType} without a readable Command property: its SQL is not profiled.")]
        public static partial void UnreadableCommandPayload(ILogger logger, string eventName, string? payloadType);
    }
}

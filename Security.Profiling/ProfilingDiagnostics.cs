using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Security.Abstractions;

namespace Security.Profiling;

/// <summary>
/// The process-wide subscriptions, made once per app: the command events of EF Core's and
/// SqlClient's <see cref="DiagnosticListener"/>s, and an <see cref="ActivityListener"/> on every
/// source (Npgsql's commands among them). All act only when a profile is being collected in the
/// current async flow, so unprofiled requests pay one <see cref="AsyncLocal{T}"/> read per event
/// at most and nothing is created for them.
/// </summary>
internal sealed partial class ProfilingDiagnostics : IObserver<DiagnosticListener>, IDisposable
{
    internal const string EntityFrameworkListenerName = "Microsoft.EntityFrameworkCore";
    internal const string CommandExecutingEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuting";
    internal const string CommandExecutedEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";
    internal const string CommandErrorEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandError";
    internal const string SqlClientListenerName = "SqlClientDiagnosticListener";
    internal const string NpgsqlSourceName = "Npgsql";
    private const string CollectorProperty = "Security.Profiling.Collector";

    // Microsoft.Data.SqlClient's and System.Data.SqlClient's event names, under one listener name.
    private static readonly string[] SqlClientPrefixes = ["Microsoft.Data.SqlClient.", "System.Data.SqlClient."];

    // Set while a thread runs a profiled request's execution context: the thread's allocation
    // counter when it started to, so the request is charged what its own threads allocate.
    [ThreadStatic]
    private static long t_allocatedWhenEntered;

    // The change handler runs only on threads that switch to or from a context holding a
    // collector, that is only for profiled requests: an unprofiled context never holds one.
    private readonly AsyncLocal<ProfileCollector?> _current = new(OnFlowChanged);
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
                    if (activity.Source.Name == NpgsqlSourceName && activity.GetTagItem("db.query.text") is string text)
                    {
                        // A raw NpgsqlCommand (Dapper, ADO.NET) as Npgsql traces it: the text and
                        // the duration; its parameter tags, if any, are never read.
                        var error = activity.Status == ActivityStatusCode.Error ? activity.GetTagItem("error.type") as string ?? "error" : null;
                        collector.AddCommand(new SqlCommandProfile(text, [], activity.Duration, error, NpgsqlSourceName));
                    }
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
        IDisposable Subscribe() => listener.Name == EntityFrameworkListenerName
            ? listener.Subscribe(new CommandObserver(OnCommandEvent), IsCommandEventWanted)
            : listener.Subscribe(new CommandObserver(OnSqlClientEvent), IsSqlClientEventWanted);

        if (listener.Name is not (EntityFrameworkListenerName or SqlClientListenerName))
        {
            return;
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                // EF Core and SqlClient ask IsEnabled(name) before building each event: false outside a profile.
                _subscriptions.Add(Subscribe());
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

        if (CommandPayloadReader.TryRead(value.Value, out var read))
        {
            collector.AddCommand(new SqlCommandProfile(read.CommandText, read.ParameterNames, read.Duration ?? TimeSpan.Zero,
                failed ? read.ExceptionType ?? "error" : null, ProfileCollector.EntityFrameworkSource));
        }
        else
        {
            WarnUnreadable(value);
        }
    }

    private static SqlClientEvent SqlClientCommandEvent(string name)
    {
        foreach (var prefix in SqlClientPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return name.AsSpan(prefix.Length) switch
                {
                    "WriteCommandBefore" => SqlClientEvent.Before,
                    "WriteCommandAfter" => SqlClientEvent.After,
                    "WriteCommandError" => SqlClientEvent.Error,
                    _ => SqlClientEvent.None,
                };
            }
        }

        return SqlClientEvent.None;
    }

    private bool IsSqlClientEventWanted(string name) => _current.Value is not null && SqlClientCommandEvent(name) != SqlClientEvent.None;

    // SqlClient reports a command's start and its end (or error) separately, with Stopwatch
    // timestamps and an operation id that pairs them.
    private void OnSqlClientEvent(KeyValuePair<string, object?> value)
    {
        var collector = _current.Value;
        if (collector is null)
        {
            return;
        }

        var kind = SqlClientCommandEvent(value.Key);
        if (kind == SqlClientEvent.None)
        {
            return;
        }

        if (kind == SqlClientEvent.Before)
        {
            if (CommandPayloadReader.TryReadStart(value.Value, out var operationId, out var timestamp))
            {
                collector.CommandStarting(operationId, timestamp);
            }

            return;
        }

        if (!CommandPayloadReader.TryRead(value.Value, out var read))
        {
            WarnUnreadable(value);
            return;
        }

        var duration = TimeSpan.Zero;
        if (read.OperationId is { } id && read.Timestamp is { } end && collector.CommandStarted(id) is { } start && end >= start)
        {
            duration = Stopwatch.GetElapsedTime(start, end);
        }

        var failed = kind == SqlClientEvent.Error;
        collector.AddCommand(new SqlCommandProfile(read.CommandText, read.ParameterNames, duration,
            failed ? read.ExceptionType ?? "error" : null, "SqlClient"));
    }

    private void WarnUnreadable(KeyValuePair<string, object?> value)
    {
        if (value.Value is { } payload && _unreadablePayloads.TryAdd(payload.GetType(), true))
        {
            Log.UnreadableCommandPayload(_logger, value.Key, payload.GetType().FullName);
        }
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

    private enum SqlClientEvent
    {
        None,
        Before,
        After,
        Error,
    }

    private sealed class CommandObserver(Action<KeyValuePair<string, object?>> onNext) : IObserver<KeyValuePair<string, object?>>
    {
        public void OnNext(KeyValuePair<string, object?> value) => onNext(value);

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
            Message = "Command event {EventName} carries a {PayloadType} without a readable Command property: its SQL is not profiled.")]
        public static partial void UnreadableCommandPayload(ILogger logger, string eventName, string? payloadType);
    }
}

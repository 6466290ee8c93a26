using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Security.Profiling.Internal;

/// <summary>
/// Records the SQL commands of profiled requests from EF Core's and SqlClient's
/// <see cref="DiagnosticListener"/>s. Both ask <c>IsEnabled(name)</c> before building each event,
/// and the answer is no outside a profile, so unprofiled requests build no event data.
/// </summary>
internal sealed partial class DatabaseCommandListener : IObserver<DiagnosticListener>, IDisposable
{
    internal const string EntityFrameworkListenerName = "Microsoft.EntityFrameworkCore";
    internal const string CommandExecutingEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuting";
    internal const string CommandExecutedEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";
    internal const string CommandErrorEvent = "Microsoft.EntityFrameworkCore.Database.Command.CommandError";
    internal const string SqlClientListenerName = "SqlClientDiagnosticListener";

    // Microsoft.Data.SqlClient's and System.Data.SqlClient's event names, under one listener name.
    private static readonly string[] SqlClientPrefixes = ["Microsoft.Data.SqlClient.", "System.Data.SqlClient."];

    private readonly Func<ProfileCollector?> _current;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Type, bool> _unreadablePayloads = new();
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _lock = new();
    private IDisposable? _allListeners;
    private bool _disposed;

    /// <param name="current">The collector of the current async flow, if it is being profiled.</param>
    /// <param name="logger">Where an unreadable payload is reported.</param>
    public DatabaseCommandListener(Func<ProfileCollector?> current, ILogger logger)
    {
        _current = current;
        _logger = logger;
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
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
        _current() is not null && (name == CommandExecutedEvent || name == CommandErrorEvent || name == CommandExecutingEvent);

    private void OnCommandEvent(KeyValuePair<string, object?> value)
    {
        // A listener shared with other subscribers calls every observer: filter again.
        var collector = _current();
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

    private bool IsSqlClientEventWanted(string name) => _current() is not null && SqlClientCommandEvent(name) != SqlClientEvent.None;

    // SqlClient reports a command's start and its end (or error) separately, with Stopwatch
    // timestamps and an operation id that pairs them.
    private void OnSqlClientEvent(KeyValuePair<string, object?> value)
    {
        var collector = _current();
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
        [LoggerMessage(EventId = 6003, EventName = "UnreadableCommandPayload", Level = LogLevel.Warning,
            Message = "Command event {EventName} carries a {PayloadType} without a readable Command property: its SQL is not profiled.")]
        public static partial void UnreadableCommandPayload(ILogger logger, string eventName, string? payloadType);
    }
}

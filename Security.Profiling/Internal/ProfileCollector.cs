using System.Diagnostics;

namespace Security.Profiling.Internal;

/// <summary>
/// Gathers what happens during one profiled request. Lives in the request's async flow; the
/// diagnostics callbacks may run on any thread, hence the lock.
/// </summary>
internal sealed class ProfileCollector
{
    internal const string EntityFrameworkSource = "EF Core";

    private static readonly string[] DetailTags = ["server.address", "http.response.status_code", "db.system.name", "db.system"];

    private readonly Lock _lock = new();
    private readonly List<SqlCommandProfile> _commands = [];
    private readonly List<ActivityProfile> _activities = [];

    private readonly int _maxEntries;

    // One command reported twice (by EF Core and by its ADO.NET provider) is listed once: each
    // report waits here, by command text, for its twin from the other side. Created on first use:
    // most profiles have no SQL.
    private Dictionary<string, int>? _unpairedOrm;
    private Dictionary<string, Queue<(int Index, TimeSpan Duration)>>? _unpairedProvider;
    private Dictionary<Guid, long>? _pendingStarts;
    private TimeSpan _database;
    private int _queryCount;
    private int _activityCount;
    private long _allocated;

    public ProfileCollector(int maxEntries, long startTimestamp, DateTimeOffset startedAt)
    {
        _maxEntries = maxEntries;
        StartTimestamp = startTimestamp;
        StartedAt = startedAt;
    }

    public long StartTimestamp { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The query count and database time so far.</summary>
    public (int QueryCount, TimeSpan Database) Sql
    {
        get
        {
            lock (_lock)
            {
                return (_queryCount, _database);
            }
        }
    }

    /// <summary>Bytes allocated by threads while they ran this request's execution context.</summary>
    public void AddAllocated(long bytes) => Interlocked.Add(ref _allocated, bytes);

    /// <summary>
    /// Adds a command. An ORM's report (with parameter names) and its provider's report of the same
    /// command (same text) are paired, in either order, and counted once, as the ORM reported it.
    /// </summary>
    public void AddCommand(SqlCommandProfile command)
    {
        var fromOrm = command.Source == EntityFrameworkSource;
        lock (_lock)
        {
            var unpairedOrm = _unpairedOrm ??= new Dictionary<string, int>(StringComparer.Ordinal);
            var unpairedProvider = _unpairedProvider ??= new Dictionary<string, Queue<(int, TimeSpan)>>(StringComparer.Ordinal);
            if (fromOrm && unpairedProvider.TryGetValue(command.CommandText, out var waiting) && waiting.Count > 0)
            {
                var (index, duration) = waiting.Dequeue();
                _database += command.Duration - duration;
                if (index >= 0)
                {
                    _commands[index] = command;
                }

                return;
            }

            if (!fromOrm && unpairedOrm.TryGetValue(command.CommandText, out var count) && count > 0)
            {
                unpairedOrm[command.CommandText] = count - 1;
                return;
            }

            _queryCount++;
            _database += command.Duration;
            var kept = -1;
            if (_commands.Count < _maxEntries)
            {
                kept = _commands.Count;
                _commands.Add(command);
            }

            // Bounded like the lists: past that many distinct texts a twin is no longer looked for.
            if (fromOrm)
            {
                if (unpairedOrm.Count < _maxEntries || unpairedOrm.ContainsKey(command.CommandText))
                {
                    unpairedOrm[command.CommandText] = unpairedOrm.GetValueOrDefault(command.CommandText) + 1;
                }
            }
            else if (unpairedProvider.Count < _maxEntries || unpairedProvider.ContainsKey(command.CommandText))
            {
                if (!unpairedProvider.TryGetValue(command.CommandText, out var queue))
                {
                    unpairedProvider[command.CommandText] = queue = new Queue<(int, TimeSpan)>();
                }

                queue.Enqueue((kept, command.Duration));
            }
        }
    }

    /// <summary>Remembers when a command that reports its start and end separately (SqlClient) started.</summary>
    public void CommandStarting(Guid operationId, long timestamp)
    {
        lock (_lock)
        {
            _pendingStarts ??= [];
            if (_pendingStarts.Count < _maxEntries)
            {
                _pendingStarts[operationId] = timestamp;
            }
        }
    }

    /// <summary>The start timestamp remembered for <paramref name="operationId"/>, forgotten once read.</summary>
    public long? CommandStarted(Guid operationId)
    {
        lock (_lock)
        {
            return _pendingStarts is not null && _pendingStarts.Remove(operationId, out var timestamp) ? timestamp : null;
        }
    }

    public void AddActivity(Activity activity)
    {
        var profile = new ActivityProfile(
            activity.Source.Name,
            activity.DisplayName,
            activity.SpanId,
            activity.ParentSpanId,
            activity.StartTimeUtc,
            activity.Duration,
            activity.Status == ActivityStatusCode.Error,
            Detail(activity));
        lock (_lock)
        {
            _activityCount++;
            if (_activities.Count < _maxEntries)
            {
                _activities.Add(profile);
            }
        }
    }

    public RequestProfile Complete(string method, string path, int statusCode, bool failed, TimeSpan total, SampledFunctions? functions)
    {
        lock (_lock)
        {
            return new RequestProfile(StartedAt, method, path, statusCode, failed, total, _database, _queryCount, [.. _commands],
                _activityCount, [.. _activities], Interlocked.Read(ref _allocated), functions);
        }
    }

    // Only tags that cannot carry user data: never URLs, query text or parameters.
    private static string? Detail(Activity activity)
    {
        string? detail = null;
        foreach (var name in DetailTags)
        {
            if (activity.GetTagItem(name) is { } value)
            {
                var text = $"{name}={value}";
                detail = detail is null ? text : $"{detail}, {text}";
            }
        }

        return detail;
    }
}

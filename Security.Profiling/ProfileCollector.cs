using System.Diagnostics;

namespace Security.Profiling;

/// <summary>
/// Gathers what happens during one profiled request. Lives in the request's async flow; the
/// diagnostics callbacks may run on any thread, hence the lock.
/// </summary>
internal sealed class ProfileCollector
{
    private static readonly string[] DetailTags = ["server.address", "http.response.status_code", "db.system.name", "db.system"];

    private readonly Lock _lock = new();
    private readonly List<SqlCommandProfile> _commands = [];
    private readonly List<ActivityProfile> _activities = [];
    private readonly int _maxEntries;
    private TimeSpan _database;
    private int _queryCount;
    private int _activityCount;

    public ProfileCollector(int maxEntries, long startTimestamp, DateTimeOffset startedAt, long allocatedAtStart)
    {
        _maxEntries = maxEntries;
        StartTimestamp = startTimestamp;
        StartedAt = startedAt;
        AllocatedAtStart = allocatedAtStart;
    }

    public long StartTimestamp { get; }

    public DateTimeOffset StartedAt { get; }

    public long AllocatedAtStart { get; }

    public void AddCommand(SqlCommandProfile command)
    {
        lock (_lock)
        {
            _queryCount++;
            _database += command.Duration;
            if (_commands.Count < _maxEntries)
            {
                _commands.Add(command);
            }
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

    public RequestProfile Complete(string method, string path, int statusCode, bool failed, TimeSpan total, long allocatedBytes)
    {
        lock (_lock)
        {
            return new RequestProfile(StartedAt, method, path, statusCode, failed, total, _database, _queryCount, [.. _commands],
                _activityCount, [.. _activities], allocatedBytes);
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

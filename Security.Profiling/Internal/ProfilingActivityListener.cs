using System.Diagnostics;

namespace Security.Profiling.Internal;

/// <summary>
/// Records the activities of profiled requests (Npgsql's commands among them) through an
/// <see cref="ActivityListener"/> that exists only while at least one profile is being taken: with
/// none, no source has a listener on this package's account and nothing runs per activity.
/// </summary>
internal sealed class ProfilingActivityListener : IDisposable
{
    internal const string NpgsqlSourceName = "Npgsql";
    private const string CollectorProperty = "Security.Profiling.Collector";

    // ASP.NET Core's hosting activity (source "Microsoft.AspNetCore") starts before any middleware,
    // so a profile never holds it; listening to it would make every request that arrives while a
    // profile is taken create its hosting activity just to ask our sampler.
    private static readonly HashSet<string> NotReported = new(StringComparer.Ordinal) { "Microsoft.AspNetCore" };

    private readonly Func<ProfileCollector?> _current;
    private readonly Lock _lock = new();
    private ActivityListener? _listener;
    private int _profiles;
    private bool _disposed;

    /// <param name="current">The collector of the current async flow, if it is being profiled.</param>
    public ProfilingActivityListener(Func<ProfileCollector?> current) => _current = current;

    /// <summary>Whether <paramref name="sourceName"/>'s activities can show in a profile.</summary>
    public static bool Reports(string sourceName) => !NotReported.Contains(sourceName);

    /// <summary>A profile starts: the listener is added if it is the only one running.</summary>
    public void ProfileStarted()
    {
        lock (_lock)
        {
            if (!_disposed && _profiles++ == 0)
            {
                _listener = Create();
                ActivitySource.AddActivityListener(_listener);
            }
        }
    }

    /// <summary>A profile ends: the listener is removed if no other profile is running.</summary>
    public void ProfileEnded()
    {
        lock (_lock)
        {
            if (_profiles > 0 && --_profiles == 0)
            {
                _listener?.Dispose();
                _listener = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _profiles = 0;
            _listener?.Dispose();
            _listener = null;
        }
    }

    private ActivityListener Create() => new()
    {
        ShouldListenTo = static source => Reports(source.Name),

        // AllData, not AllDataAndRecorded: profiling must not flip the sampled flag that traceparent
        // carries to downstream services. Returning None never suppresses another listener's
        // decision: the source takes the highest answer.
        Sample = (ref ActivityCreationOptions<ActivityContext> _) =>
            _current() is null ? ActivitySamplingResult.None : ActivitySamplingResult.AllData,
        SampleUsingParentId = (ref ActivityCreationOptions<string> _) =>
            _current() is null ? ActivitySamplingResult.None : ActivitySamplingResult.AllData,

        // Tagging the activity with its collector at start keeps it in the right profile even when
        // it is stopped on another flow.
        ActivityStarted = activity =>
        {
            if (_current() is { } collector)
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
                    // A raw NpgsqlCommand (Dapper, ADO.NET) as Npgsql traces it: the text and the
                    // duration; its parameter tags, if any, are never read.
                    var error = activity.Status == ActivityStatusCode.Error ? activity.GetTagItem("error.type") as string ?? "error" : null;
                    collector.AddCommand(new SqlCommandProfile(text, [], activity.Duration, error, NpgsqlSourceName));
                }
            }
        },
    };
}

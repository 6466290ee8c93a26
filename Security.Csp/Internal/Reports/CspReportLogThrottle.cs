using Microsoft.Extensions.Logging;
using Security.Abstractions;
using Security.Shared;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// Logs CSP reports the way the stores keep them: the first report of a group (<see cref="CspReportGroupKey"/>) is
/// logged in full, the identical ones after it for the next hour only counted, and when that hour is over one
/// summary line says how many more came. A flood of identical reports costs two log lines an hour, not one per report.
/// At most <see cref="MaxGroups"/> groups are followed at once, each by values of at most
/// <see cref="MaxKeyValueLength"/> characters; reports of further groups are counted together.
/// </summary>
internal sealed partial class CspReportLogThrottle : IDisposable
{
    /// <summary>Groups followed at once; a client sending ever new reports cannot grow the table past this.</summary>
    public const int MaxGroups = 10_000;

    /// <summary>Characters of each value kept in a group's key: bounds the memory of the table whatever the reports hold.</summary>
    public const int MaxKeyValueLength = 256;

    private static readonly TimeSpan FlushInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<CspReportGroupKey, Window> _windows = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _untracked;

    public CspReportLogThrottle(TimeProvider time, ILogger<CspReportLogThrottle> logger)
    {
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((CspReportLogThrottle)state!).Flush(), this, FlushInterval, FlushInterval);
    }

    /// <summary>How many groups are followed now (for tests).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    /// <summary>
    /// Whether this report is the first of its group in the current hour and should be logged in full; otherwise it
    /// is counted for the group's summary line.
    /// </summary>
    public bool ShouldLog(CspReport report)
    {
        var full = CspReportGroupKey.For(report);
        var key = new CspReportGroupKey(Cut(full.EffectiveDirective), Cut(full.BlockedUri), Cut(full.DocumentUri), Cut(full.Disposition));
        var now = _time.GetUtcNow();
        Window? ended = null;
        lock (_lock)
        {
            if (_windows.TryGetValue(key, out var window))
            {
                if (now < window.End)
                {
                    window.More++;
                    return false;
                }

                _windows.Remove(key);
                ended = window;
            }

            if (_windows.Count >= MaxGroups)
            {
                _untracked++;
                return false;
            }

            _windows.Add(key, new Window(now + CspReportGroupKey.Window));
        }

        if (ended is { More: > 0 })
        {
            Summarize(key, ended.More);
        }

        return true;
    }

    /// <summary>Writes the summary line of every group whose hour is over, and forgets those groups.</summary>
    public void Flush() => Flush(all: false);

    public void Dispose()
    {
        _timer.Dispose();
        Flush(all: true);
    }

    private void Flush(bool all)
    {
        var now = _time.GetUtcNow();
        List<(CspReportGroupKey Key, long More)>? summaries = null;
        long untracked;
        lock (_lock)
        {
            foreach (var (key, window) in _windows)
            {
                if (all || now >= window.End)
                {
                    (summaries ??= []).Add((key, window.More));
                }
            }

            foreach (var (key, _) in summaries ?? [])
            {
                _windows.Remove(key);
            }

            untracked = _untracked;
            _untracked = 0;
        }

        foreach (var (key, more) in summaries ?? [])
        {
            if (more > 0)
            {
                Summarize(key, more);
            }
        }

        if (untracked > 0)
        {
            Log.Untracked(_logger, untracked, MaxGroups);
        }
    }

    // Reports reach the endpoint uncut (up to the body limit); longer values are followed by their first characters.
    private static string? Cut(string? value) =>
        value is { Length: > MaxKeyValueLength } ? value[..(char.IsHighSurrogate(value[MaxKeyValueLength - 1]) ? MaxKeyValueLength - 1 : MaxKeyValueLength)] : value;

    // Report values come from the network: escaped so a value cannot forge a log line.
    private void Summarize(CspReportGroupKey key, long more) =>
        Log.Summary(
            _logger, more, LogText.Escape(key.EffectiveDirective), LogText.Escape(key.BlockedUri),
            LogText.Escape(key.DocumentUri), LogText.Escape(key.Disposition));

    private sealed class Window(DateTimeOffset end)
    {
        public DateTimeOffset End { get; } = end;

        public long More { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3030, EventName = "CspViolationSummary", Level = LogLevel.Warning,
            Message = "{Count} more Content Security Policy violations like {EffectiveDirective} blocked {BlockedUri} on {DocumentUri} (disposition {Disposition}) in the last hour")]
        public static partial void Summary(ILogger logger, long count, string? effectiveDirective, string? blockedUri, string? documentUri, string? disposition);

        [LoggerMessage(EventId = 3031, EventName = "CspViolationsNotLogged", Level = LogLevel.Warning,
            Message = "{Count} Content Security Policy violations were not logged: more than {MaxGroups} different violations arrived within an hour")]
        public static partial void Untracked(ILogger logger, long count, int maxGroups);
    }
}

using System.Globalization;
using System.Text;
using Security.Shared;

namespace Security.Profiling.Internal;

/// <summary>The text layouts of a profile: the log/page report and the <c>Server-Timing</c> value.</summary>
internal static class ProfileFormatter
{
    public const string Separator = "--------------------------------------------------------------------------------";
    private const int MaxPathLength = 2000;

    /// <summary>Milliseconds with one decimal and a '.' separator, e.g. <c>12.3</c>.</summary>
    public static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 1);

    /// <summary>
    /// <c>total;dur=12.3, db;dur=2.1;desc="3 queries", app;dur=10.2</c> (W3C Server Timing: tokens,
    /// numbers with '.', a quoted-string description).
    /// </summary>
    public static string ServerTiming(TimeSpan total, TimeSpan database, int queryCount)
    {
        var app = total > database ? total - database : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture,
            $"total;dur={Milliseconds(total):0.0}, db;dur={Milliseconds(database):0.0};desc=\"{queryCount} {(queryCount == 1 ? "query" : "queries")}\", app;dur={Milliseconds(app):0.0}");
    }

    /// <summary>
    /// Escapes control characters (a path may carry a decoded CR or LF that would forge log lines)
    /// and caps the length.
    /// </summary>
    public static string Printable(string value) => LogText.Escape(value, MaxPathLength)!;

    /// <summary>
    /// The summary line: status, total, app, db, queries, allocations (what the threads allocated
    /// while they ran the request's execution context, not the whole process).
    /// </summary>
    public static string Summary(RequestProfile profile) => string.Create(CultureInfo.InvariantCulture,
        $"Summary: status {profile.StatusCode}{(profile.Failed ? " (unhandled exception)" : "")}, total {Milliseconds(profile.Total):0.0} ms, app {Milliseconds(profile.App):0.0} ms, db {Milliseconds(profile.Database):0.0} ms in {profile.QueryCount} {(profile.QueryCount == 1 ? "query" : "queries")}, {profile.AllocatedBytes:N0} bytes allocated by the request's own code");

    /// <summary>
    /// The sections after the summary, each line ending with a newline except the last: the top
    /// functions (only when CPU sampling is on), SQL, Activities.
    /// </summary>
    public static string Details(RequestProfile profile)
    {
        var text = new StringBuilder();
        if (profile.Functions is { } functions)
        {
            AppendFunctions(text, functions);
            text.Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"SQL ({profile.QueryCount} {(profile.QueryCount == 1 ? "query" : "queries")}, {Milliseconds(profile.Database):0.0} ms; parameter values are never recorded):");
        if (profile.QueryCount == 0)
        {
            text.Append("\n  (none)");
        }

        for (var i = 0; i < profile.Commands.Count; i++)
        {
            var command = profile.Commands[i];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"  {i + 1,3}. [{Milliseconds(command.Duration),7:0.0} ms, {command.Source}] ");
            var indent = new string(' ', prefix.Length);
            var lines = command.CommandText.ReplaceLineEndings("\n").Split('\n');
            for (var line = 0; line < lines.Length; line++)
            {
                text.Append('\n').Append(line == 0 ? prefix : indent).Append(lines[line].TrimEnd());
            }

            if (command.ParameterNames.Count > 0)
            {
                text.Append('\n').Append(indent).Append("parameters: ").AppendJoin(", ", command.ParameterNames);
            }

            if (command.Error is not null)
            {
                text.Append('\n').Append(indent).Append("FAILED: ").Append(command.Error);
            }
        }

        if (profile.QueryCount > profile.Commands.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  ... {profile.QueryCount - profile.Commands.Count} more not kept");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nActivities ({profile.ActivityCount}):");
        if (profile.ActivityCount == 0)
        {
            text.Append("\n  (none)");
        }

        ActivityTreeFormatter.Append(text, profile.Activities);
        if (profile.ActivityCount > profile.Activities.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  ... {profile.ActivityCount - profile.Activities.Count} more not kept");
        }

        return text.ToString();
    }

    /// <summary>The whole report as the log writes it: separator, <c>METHOD path</c>, summary, sections.</summary>
    public static string Full(RequestProfile profile) =>
        $"{Separator}\n{profile.Method} {profile.Path}\n{Summary(profile)}\n{Details(profile)}";

    private static void AppendFunctions(StringBuilder text, SampledFunctions functions)
    {
        if (functions.NotSampledReason is { } reason)
        {
            text.Append("Top functions: not sampled (").Append(Printable(reason)).Append(')');
            return;
        }

        var interval = Milliseconds(functions.Interval);
        text.Append(CultureInfo.InvariantCulture,
            $"Top functions by inclusive samples ({functions.Samples} {(functions.Samples == 1 ? "sample" : "samples")} of this request, each thread sampled about every {interval:0.0} ms):");
        AppendFunctionList(text, functions.ByInclusive, functions.Samples);
        text.Append("\nTop functions by exclusive samples:");
        AppendFunctionList(text, functions.ByExclusive, functions.Samples);
    }

    private static void AppendFunctionList(StringBuilder text, IReadOnlyList<SampledFunction> list, int samples)
    {
        if (list.Count == 0)
        {
            text.Append("\n  (none)");
            return;
        }

        text.Append("\n    incl.      %    excl.      %  method");
        foreach (var function in list)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n  {function.InclusiveSamples,7} {Percent(function.InclusiveSamples, samples),6:0.0} {function.ExclusiveSamples,8} {Percent(function.ExclusiveSamples, samples),6:0.0}  {Printable(function.Name)}");
        }
    }

    private static double Percent(int part, int whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 1);
}

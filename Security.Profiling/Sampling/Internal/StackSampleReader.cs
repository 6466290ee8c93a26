using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Security.Profiling.Sampling.Internal;

/// <summary>
/// Reads a sampling session's trace: keeps the stack samples taken on a thread while it ran the
/// request (between its Enter and Leave marks), and counts each method inclusively (anywhere on
/// the stack, once per sample) and exclusively (innermost frame).
/// </summary>
internal static class StackSampleReader
{
    /// <summary>The sample profiler's period: the runtime samples every managed thread once a millisecond.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1);

    public static SampledFunctions Read(string traceFile, string etlxFile, long session, int top)
    {
        TraceLog.CreateFromEventPipeDataFile(traceFile, etlxFile);
        using var log = new TraceLog(etlxFile);

        var inRequest = new HashSet<int>();
        var inclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var exclusive = new Dictionary<string, int>(StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        var onThisStack = new HashSet<string>(StringComparer.Ordinal);
        var samples = 0;
        foreach (var data in log.Events)
        {
            if (data.ProviderName == SamplingEventSource.ProviderName)
            {
                // Marks of another session sampling at the same time (another app in the process).
                if (data.PayloadByName("session") is not long id || id != session)
                {
                    continue;
                }

                if ((int)data.ID == SamplingEventSource.EnterEventId)
                {
                    inRequest.Add(data.ThreadID);
                }
                else if ((int)data.ID == SamplingEventSource.LeaveEventId)
                {
                    inRequest.Remove(data.ThreadID);
                }

                continue;
            }

            if (data.ProviderName != EventPipeSamplingSession.SampleProfilerProvider || !inRequest.Contains(data.ThreadID))
            {
                continue;
            }

            var frame = data.CallStack();
            if (frame is null)
            {
                continue;
            }

            samples++;
            onThisStack.Clear();
            for (var fromInnermost = 0; frame is not null; frame = frame.Caller, fromInnermost++)
            {
                var name = NameOf(frame.CodeAddress);
                if (fromInnermost == 0)
                {
                    exclusive[name] = exclusive.GetValueOrDefault(name) + 1;
                }

                if (!depth.TryGetValue(name, out var nearest) || fromInnermost < nearest)
                {
                    depth[name] = fromInnermost;
                }

                // Recursion counts once per sample, as cumulative time counts a call once.
                if (onThisStack.Add(name))
                {
                    inclusive[name] = inclusive.GetValueOrDefault(name) + 1;
                }
            }
        }

        return new SampledFunctions(samples, Top(inclusive, exclusive, depth, top, byInclusive: true), Top(inclusive, exclusive, depth, top, byInclusive: false), Interval);
    }

    private static string NameOf(TraceCodeAddress address)
    {
        var name = address.FullMethodName;
        if (!string.IsNullOrEmpty(name))
        {
            return name;
        }

        var module = address.ModuleName;
        return string.IsNullOrEmpty(module) ? "[unresolved frame]" : $"{module}![unresolved frame]";
    }

    // Ties (every pipeline frame is on 100% of the stacks) go to the frame nearest the work: the
    // fewest frames from the innermost one.
    private static List<SampledFunction> Top(Dictionary<string, int> inclusive, Dictionary<string, int> exclusive, Dictionary<string, int> depth, int top, bool byInclusive)
    {
        var ranked = byInclusive ? inclusive : exclusive;
        return ranked
            .OrderByDescending(entry => entry.Value)
            .ThenBy(entry => depth[entry.Key])
            .ThenBy(entry => entry.Key, StringComparer.Ordinal)
            .Take(top)
            .Select(entry => new SampledFunction(entry.Key, inclusive.GetValueOrDefault(entry.Key), exclusive.GetValueOrDefault(entry.Key)))
            .ToList();
    }
}

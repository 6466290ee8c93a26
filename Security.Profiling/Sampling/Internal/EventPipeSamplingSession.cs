using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Security.Profiling.Sampling.Internal;

/// <summary>
/// One EventPipe session on this very process: the runtime's sample profiler (a stack of every
/// managed thread once a millisecond), the JIT's method events (methods compiled while it runs),
/// the request's thread marks, and a rundown at the end that names every other method. The stream
/// goes to a temporary <c>.nettrace</c> file, read once the session has stopped.
/// </summary>
internal sealed class EventPipeSamplingSession
{
    internal const string SampleProfilerProvider = "Microsoft-DotNETCore-SampleProfiler";
    private const string RuntimeProvider = "Microsoft-Windows-DotNETRuntime";

    // Loader (0x8) and Jit (0x10) keywords, verbose: MethodLoadVerbose carries the method's name.
    private const long LoaderAndJitKeywords = 0x8 | 0x10;

    private static readonly EventPipeProvider[] Providers =
    [
        new(SampleProfilerProvider, EventLevel.Informational),
        new(RuntimeProvider, EventLevel.Verbose, LoaderAndJitKeywords),
        new(SamplingEventSource.ProviderName, EventLevel.Informational),
    ];

    private static long s_lastId;

    private readonly EventPipeSession _session;
    private readonly string _traceFile;
    private readonly Task _copy;
    private readonly int _topFunctions;
    private readonly Action _release;

    private EventPipeSamplingSession(EventPipeSession session, string traceFile, Task copy, int topFunctions, Action release)
    {
        _session = session;
        _traceFile = traceFile;
        _copy = copy;
        _topFunctions = topFunctions;
        _release = release;
    }

    /// <summary>This session's id in the thread marks, unique in the process.</summary>
    public long Id { get; } = Interlocked.Increment(ref s_lastId);

    public static EventPipeSamplingSession Start(int topFunctions, Action release)
    {
        var traceFile = Path.Combine(Path.GetTempPath(), $"security-profiling-{Guid.NewGuid():N}.nettrace");
        var session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(Providers, requestRundown: true, circularBufferMB: 64);
        Task copy;

        // The copy loop must not carry the request's execution context: it would count as the
        // request's own work.
        using (ExecutionContext.SuppressFlow())
        {
            copy = Task.Run(async () =>
            {
                await using var file = new FileStream(traceFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await session.EventStream.CopyToAsync(file);
            });
        }

        return new EventPipeSamplingSession(session, traceFile, copy, topFunctions, release);
    }

    public async Task<SampledFunctions> StopAsync()
    {
        var etlx = Path.ChangeExtension(_traceFile, ".etlx");
        try
        {
            try
            {
                await _session.StopAsync(CancellationToken.None);
                await _copy;
            }
            finally
            {
                _session.Dispose();

                // The next request may sample while this one's trace is being read.
                _release();
            }

            return StackSampleReader.Read(_traceFile, etlx, Id, _topFunctions);
        }
        finally
        {
            TryDelete(_traceFile);
            TryDelete(etlx);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A temporary file left behind is harmless; the profile matters more.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

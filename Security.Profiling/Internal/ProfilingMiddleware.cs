using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Profiling.Internal;

/// <summary>
/// Profiles requests that carry the trigger header from an allowed caller: SQL, activities,
/// allocations and, with CPU sampling, the top functions; logged at Debug and summarised in
/// <c>Server-Timing</c>. Requests without the header cost one header lookup.
/// </summary>
internal sealed partial class ProfilingMiddleware
{
    private const string ServerTimingHeader = "Server-Timing";

    private readonly RequestDelegate _next;
    private readonly string _headerName;
    private readonly int _maxEntries;
    private readonly ProfilingGate _gate;
    private readonly ProfilingDiagnostics _diagnostics;
    private readonly ProfileStore _store;
    private readonly IProfilingSampler? _sampler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ProfilingMiddleware(
        RequestDelegate next,
        IOptions<SecurityProfilingOptions> options,
        ProfilingGate gate,
        ProfilingDiagnostics diagnostics,
        ProfileStore store,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        _sampler = options.Value.CpuSampling ? services.GetService<IProfilingSampler>() : null;
        _next = next;
        _headerName = options.Value.HeaderName;
        _maxEntries = options.Value.MaxEntriesPerProfile;
        _gate = gate;
        _diagnostics = diagnostics;
        _store = store;
        _time = time;
        _logger = loggerFactory.CreateLogger(SecurityTelemetry.LoggingCategoryPrefix + "Profiling");
    }

    public Task InvokeAsync(HttpContext context)
    {
        // The hot path: no async state machine, no allocation.
        if (!context.Request.Headers.ContainsKey(_headerName))
        {
            return _next(context);
        }

        return ProfileIfAllowedAsync(context);
    }

    private async Task ProfileIfAllowedAsync(HttpContext context)
    {
        if (!await _gate.IsAllowedAsync(context))
        {
            // No sign to the caller: the normal response, no header.
            Log.Refused(_logger);
            await _next(context);
            return;
        }

        // Sampling starts first and stops last, so that its own work is neither timed nor charged.
        var sampling = TryStartSampling();
        var collector = new ProfileCollector(_maxEntries, _time.GetTimestamp(), _time.GetUtcNow());
        context.Response.OnStarting(static state =>
        {
            var (middleware, context, collector) = ((ProfilingMiddleware, HttpContext, ProfileCollector))state;
            var (queries, database) = collector.Sql;
            var total = middleware._time.GetElapsedTime(collector.StartTimestamp);
            context.Response.Headers.Append(ServerTimingHeader, ProfileFormatter.ServerTiming(total, database, queries));
            return Task.CompletedTask;
        }, (this, context, collector));

        _diagnostics.Begin(collector);
        var failed = false;
        try
        {
            await _next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            _diagnostics.End();
            var total = _time.GetElapsedTime(collector.StartTimestamp);
            var functions = _sampler is null ? null
                : sampling is null ? SampledFunctions.NotSampled("another profiled request was being sampled")
                : await StopSamplingAsync(sampling);
            Finish(context, collector, failed, total, functions);
        }
    }

    // A sampler is a plug-in: whatever it throws costs the profile its top functions, never the
    // request its response.
    private IProfilingSamplingSession? TryStartSampling()
    {
        try
        {
            return _sampler?.TryStart();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.SamplerFailed(_logger, exception);
            return FailedSampling.Instance;
        }
    }

    private async Task<SampledFunctions> StopSamplingAsync(IProfilingSamplingSession sampling)
    {
        try
        {
            return await sampling.StopAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.SamplerFailed(_logger, exception);
            return SampledFunctions.NotSampled($"the sampler failed: {exception.GetType().Name}");
        }
    }

    private void Finish(HttpContext context, ProfileCollector collector, bool failed, TimeSpan total, SampledFunctions? functions)
    {
        var profile = collector.Complete(
            ProfileFormatter.Printable(context.Request.Method),
            ProfileFormatter.Printable(context.Request.PathBase.Add(context.Request.Path).ToString()),
            // An exception not yet turned into a response becomes a 500 upstream.
            failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode,
            failed,
            total,
            functions);
        _store.Add(profile);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.RequestProfiled(_logger, profile.Method, profile.Path, ProfileFormatter.Summary(profile), ProfileFormatter.Details(profile));
        }
    }

    private sealed class FailedSampling : IProfilingSamplingSession
    {
        public static readonly FailedSampling Instance = new();

        public Task<SampledFunctions> StopAsync() => Task.FromResult(SampledFunctions.NotSampled("the sampler failed to start"));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, EventName = "RequestProfiled", Level = LogLevel.Debug,
            Message = ProfileFormatter.Separator + "\n{Method} {Path}\n{Summary}\n{Details}")]
        public static partial void RequestProfiled(ILogger logger, string method, string path, string summary, string details);

        [LoggerMessage(EventId = 6002, EventName = "ProfilingRefused", Level = LogLevel.Trace,
            Message = "A request asked for a profile but the caller is not allowed; it runs unprofiled.")]
        public static partial void Refused(ILogger logger);

        [LoggerMessage(EventId = 6004, EventName = "SamplerFailed", Level = LogLevel.Warning,
            Message = "The CPU sampler threw; the profile goes on without top functions.")]
        public static partial void SamplerFailed(ILogger logger, Exception exception);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// Saves queued reports to the <see cref="ICspReportStoreWriter"/> in batches, off the request path. A
/// failing store is retried with backoff, then its batch is dropped and counted; the writer keeps going.
/// Stopping the app completes the queue and saves what is left.
/// </summary>
internal sealed partial class CspReportWriter(
    CspReportQueue queue, IServiceScopeFactory scopes, IOptions<SecurityCspOptions> options, CspMetrics metrics, TimeProvider timeProvider,
    ILogger<CspReportWriter> logger) : BackgroundService
{
    private readonly CspReportOptions _options = options.Value.Reports;

    // Cancelled only when the host's shutdown timeout runs out, not when stopping starts: the queue is drained first.
    private readonly CancellationTokenSource _abort = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = queue.Reader;
        var batch = new List<CspReport>(_options.BatchSize);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < _options.BatchSize && reader.TryRead(out var report))
            {
                batch.Add(report);
            }

            await SaveAsync(batch);
            batch.Clear();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        using (cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _abort))
        {
            if (ExecuteTask is { } running)
            {
                try
                {
                    await running.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Log.DrainTimedOut(logger);
                }
            }
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task SaveAsync(List<CspReport> batch)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // One scope per batch attempt: the store may be scoped (a DbContext), never resolved from the root.
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<ICspReportStoreWriter>();
                await store.SaveAsync(batch.ToArray(), _abort.Token);
                return;
            }
            catch (Exception ex)
            {
                if (attempt >= _options.MaxRetries || _abort.IsCancellationRequested)
                {
                    metrics.Dropped(batch.Count, "store_failed");
                    Log.BatchDropped(logger, ex, batch.Count, attempt + 1);
                    return;
                }

                Log.SaveFailed(logger, ex, batch.Count, attempt + 1, delay);
            }

            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, timeProvider, _abort.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Shutdown timed out during the backoff: the next attempt fails fast and drops the batch.
            }

            delay *= 2;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3020, EventName = "CspReportSaveFailed", Level = LogLevel.Warning,
            Message = "Saving {Count} CSP reports failed (attempt {Attempt}); retrying in {Delay}")]
        public static partial void SaveFailed(ILogger logger, Exception exception, int count, int attempt, TimeSpan delay);

        [LoggerMessage(EventId = 3021, EventName = "CspReportBatchDropped", Level = LogLevel.Error,
            Message = "Dropped {Count} CSP reports after {Attempts} failed save attempts")]
        public static partial void BatchDropped(ILogger logger, Exception exception, int count, int attempts);

        [LoggerMessage(EventId = 3022, EventName = "CspReportDrainTimedOut", Level = LogLevel.Warning,
            Message = "Shutdown timed out before every queued CSP report was saved")]
        public static partial void DrainTimedOut(ILogger logger);
    }
}

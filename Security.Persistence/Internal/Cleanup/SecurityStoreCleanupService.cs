using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Persistence.Internal.Cleanup;

/// <summary>
/// Deletes CSP reports older than <see cref="SecurityStoreCleanupOptions.CspReportMaxAge"/> and expired throttle
/// counters, in batches of <see cref="SecurityStoreCleanupOptions.BatchSize"/>, every
/// <see cref="SecurityStoreCleanupOptions.Interval"/>. The stores' bounded deletes let N instances run it at once.
/// </summary>
internal sealed partial class SecurityStoreCleanupService(
    IServiceProvider services,
    IOptions<SecurityStoreCleanupOptions> options,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Security.Persistence.Cleanup");

    /// <summary>Runs one clean-up pass: deletes batch after batch until a batch comes back short.</summary>
    /// <returns>How many reports and counters were deleted.</returns>
    public async Task<(long Reports, long Counters)> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = timeProvider.GetUtcNow();
        long reports = 0, counters = 0;
        // A scope per run: the stores may be scoped (a DbContext).
        await using var scope = services.CreateAsyncScope();
        if ((scope.ServiceProvider.GetService<ICspReportStoreRetention>() ?? scope.ServiceProvider.GetService<ICspReportStore>()) is { } reportStore)
        {
            var cutoff = now - settings.CspReportMaxAge;
            int deleted;
            do
            {
                deleted = await reportStore.DeleteOlderThanAsync(cutoff, settings.BatchSize, cancellationToken);
                reports += deleted;
            }
            while (deleted >= settings.BatchSize);
        }

        if (scope.ServiceProvider.GetService<IThrottleCounterStore>() is { } counterStore)
        {
            int deleted;
            do
            {
                deleted = await counterStore.PurgeExpiredAsync(now, settings.BatchSize, cancellationToken);
                counters += deleted;
            }
            while (deleted >= settings.BatchSize);
        }

        Log.Purged(_logger, reports, counters);
        return (reports, counters);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.Interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // An unreachable database must not stop the app: the next run tries again.
                    Log.Failed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Ends as a completed task: when the app fails to start, the host disposes this service without
            // stopping it, and a cancelled task would be logged as a crashed service after the real error.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5010, EventName = "StoreCleanupCompleted", Level = LogLevel.Debug,
            Message = "Security store clean-up deleted {Reports} CSP reports and {Counters} expired throttle counters.")]
        public static partial void Purged(ILogger logger, long reports, long counters);

        [LoggerMessage(EventId = 5011, EventName = "StoreCleanupFailed", Level = LogLevel.Error,
            Message = "Security store clean-up failed; it runs again after the next interval.")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}

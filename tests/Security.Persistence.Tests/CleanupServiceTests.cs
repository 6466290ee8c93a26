using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Security.Abstractions;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>The retention service's schedule, switch and resilience, on a store that fails once.</summary>
public sealed class CleanupServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static (ServiceProvider Services, TimerSignallingTimeProvider Time, FlakyReportStore Store) Build(bool enabled)
    {
        var time = new TimerSignallingTimeProvider(Start, Interval);
        var store = new FlakyReportStore();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<TimeProvider>(time);
        var builders = StoreBuilders.WithInMemoryDefaults(services);
        builders.Csp.AddEntityFrameworkStore(db => db.UseSqlite("Data Source=:memory:"));
        services.Replace(ServiceDescriptor.Singleton<ICspReportStore>(store));
        services.Configure<SecurityStoreCleanupOptions>(o =>
        {
            o.Enabled = enabled;
            o.Interval = Interval;
            o.CspReportMaxAge = TimeSpan.FromDays(7);
        });
        return (services.BuildServiceProvider(), time, store);
    }

    private static async Task<(ServiceProvider Services, TimerSignallingTimeProvider Time, FlakyReportStore Store, BackgroundService Service)> StartAsync()
    {
        var (services, time, store) = Build(enabled: true);
        var service = (BackgroundService)services.GetServices<IHostedService>().Single();
        await service.StartAsync(CancellationToken.None);
        // ExecuteAsync starts on the thread pool: advance only once its timer exists, or the tick would be lost.
        await time.TimerCreated.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return (services, time, store, service);
    }

    // A host whose start fails (another service's startup check) disposes its services without stopping them; a
    // cancelled ExecuteTask then reads as a crashed background service ("crit") after the real error.
    [Test]
    public async Task Disposed_without_a_stop_it_ends_quietly_rather_than_as_a_cancelled_task()
    {
        var (services, _, _, service) = await StartAsync();
        await using var _ = services;

        service.Dispose();

        await Task.WhenAny(service.ExecuteTask!).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(service.ExecuteTask!.Status, Is.EqualTo(TaskStatus.RanToCompletion));
    }

    [Test]
    public async Task A_failed_run_is_logged_and_the_next_interval_runs_again()
    {
        var (services, time, store, service) = await StartAsync();
        await using var _ = services;

        time.Advance(Interval);
        await store.Called(1).WaitAsync(TimeSpan.FromSeconds(30));
        // The timer keeps a tick that comes while the failed run is still unwinding, so this advance is never lost.
        time.Advance(Interval);
        await store.Called(2).WaitAsync(TimeSpan.FromSeconds(30));

        await service.StopAsync(CancellationToken.None);
        Assert.That(store.Cutoffs, Has.Count.GreaterThanOrEqualTo(2), "the run after the failure happened");
        Assert.That(store.Cutoffs[1], Is.GreaterThan(store.Cutoffs[0]));
        // Each run deletes what is older than its own now minus CspReportMaxAge; runs happen on interval ticks.
        Assert.That((store.Cutoffs[1] + TimeSpan.FromDays(7) - Start).Ticks % TimeSpan.FromMinutes(5).Ticks, Is.Zero);
        Assert.That(service.ExecuteTask!.IsFaulted, Is.False);
    }

    [Test]
    public async Task Disabled_clean_up_never_deletes()
    {
        var (services, time, store) = Build(enabled: false);
        await using var _ = services;
        var service = (BackgroundService)services.GetServices<IHostedService>().Single();
        await service.StartAsync(CancellationToken.None);
        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromHours(5));

        Assert.That(store.Cutoffs, Is.Empty);
        await service.StopAsync(CancellationToken.None);
    }

    private sealed class FlakyReportStore : ICspReportStore
    {
        private readonly CountSignal _called = new();
        private int _calls;

        public List<DateTimeOffset> Cutoffs { get; } = [];

        /// <summary>Completes when the store's <paramref name="call"/>th delete (1-based) has been made.</summary>
        public Task Called(int call) => _called.AtLeast(call);

        public Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default) =>
            Task.FromResult(new CspReportGroupPage([], 0));

        public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<CspReportHourlyCount>>([]);

        public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default)
        {
            lock (Cutoffs)
            {
                Cutoffs.Add(cutoff);
            }

            _called.Add(1);
            return Interlocked.Increment(ref _calls) == 1
                ? Task.FromException<int>(new InvalidOperationException("database down"))
                : Task.FromResult(0);
        }
    }
}

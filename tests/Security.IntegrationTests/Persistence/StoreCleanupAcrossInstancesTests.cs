using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Security.Abstractions;
using Security.Persistence;
using Security.Testing;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// Two app instances run the retention service at the same moment against one PostgreSQL database: the old rows
/// are deleted once between them, the recent ones stay, and neither run fails.
/// </summary>
public sealed class StoreCleanupAcrossInstancesTests
{
    private const string CleanupCategory = "Security.Persistence.Cleanup";
    private const int OldReports = 3000;
    private const int RecentReports = 200;
    private const int StaleCounters = 700;
    private const int LiveCounters = 50;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private PostgresDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await PostgresServer.CreateDatabaseAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task Two_clean_up_services_running_at_once_delete_each_old_row_once_and_fail_nothing()
    {
        // One clock for both instances, so one Advance fires both services' timers together.
        var time = new TimerSignallingTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero), Interval);
        // Both runs ended (StoreCleanupCompleted twice), or one failed (StoreCleanupFailed).
        var finished = new LogEventSignal(CleanupCategory, eventId: 5010, count: 2, failureEventId: 5011);
        await using var a = await StartInstanceAsync("instance-a", time, finished);
        await using var b = await StartInstanceAsync("instance-b", time, finished);
        await SecuritySchema.CreateAsync(a.Services);
        await SeedAsync(a.Services, time.GetUtcNow());

        // Each service starts its timer on the thread pool: advance once both exist, or a tick would be lost.
        await time.TimersCreated(2).WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(Interval);
        // The runs themselves are real database work on the real clock; the fake clock only starts them.
        await finished.Reached.WaitAsync(TimeSpan.FromSeconds(60));
        var runs = Runs(a).Concat(Runs(b)).ToList();

        var records = runs.Concat(Failures(a)).Concat(Failures(b)).ToList();
        Assert.That(records.Where(r => r.Level >= LogLevel.Warning), Is.Empty, "no clean-up run failed");
        Assert.That(runs.Sum(r => Count(r, "Reports")), Is.EqualTo(OldReports), "reports deleted by both runs together");
        Assert.That(runs.Sum(r => Count(r, "Counters")), Is.EqualTo(StaleCounters), "counters deleted by both runs together");
        Assert.That(await CountRowsAsync("security_csp_reports"), Is.EqualTo(RecentReports), "the recent reports stay");
        Assert.That(await CountRowsAsync("security_throttle_counters"), Is.EqualTo(LiveCounters), "the live counters stay");
        TestContext.Out.WriteLine($"deleted (reports, counters): a {Describe(runs[0])}, b {Describe(runs[1])}");
    }

    private static async Task SeedAsync(IServiceProvider services, DateTimeOffset now)
    {
        var reports = services.GetRequiredService<ICspReportStore>();
        var rows = Enumerable.Range(0, OldReports + RecentReports).Select(i => new CspReport
        {
            DocumentUri = $"https://app.example/page/{i}",
            BlockedUri = "inline",
            EffectiveDirective = "script-src-elem",
            // Older than the 30-day retention, or a day old.
            ReceivedAt = i < OldReports ? now - TimeSpan.FromDays(31) - TimeSpan.FromSeconds(i) : now - TimeSpan.FromDays(1),
        }).ToArray();
        foreach (var chunk in rows.Chunk(500))
        {
            await reports.SaveAsync(chunk);
        }

        // Counters expire 48 hours after their last failure.
        var counters = services.GetRequiredService<IThrottleCounterStore>();
        for (var i = 0; i < StaleCounters; i++)
        {
            await counters.IncrementAsync($"user:stale-{i}", now - TimeSpan.FromHours(49));
        }

        for (var i = 0; i < LiveCounters; i++)
        {
            await counters.IncrementAsync($"user:live-{i}", now - TimeSpan.FromHours(1));
        }
    }

    private static IEnumerable<FakeLogRecord> Runs(TestApp app) =>
        app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Category == CleanupCategory && r.Id.Id == 5010);

    private static IEnumerable<FakeLogRecord> Failures(TestApp app) =>
        app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Category == CleanupCategory && r.Id.Id != 5010);

    private static long Count(FakeLogRecord run, string name) =>
        long.Parse(run.StructuredState!.Single(p => p.Key == name).Value!, System.Globalization.CultureInfo.InvariantCulture);

    private static string Describe(FakeLogRecord run) => $"({Count(run, "Reports")}, {Count(run, "Counters")})";

    private async Task<long> CountRowsAsync(string table)
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<TestApp> StartInstanceAsync(string name, TimeProvider time, LogEventSignal finished)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { ApplicationName = name, MaxPoolSize = 20 }.ConnectionString;
        return await TestHost.StartAsync(
            services =>
            {
                services.AddLogging(logging => logging.ClearProviders().AddFilter(CleanupCategory, LogLevel.Debug));
                services.AddFakeLogging();
                services.AddSingleton<ILoggerProvider>(finished);
                services.AddSingleton<TimeProvider>(time);
                services.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self()))
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
                services.AddLoginThrottling(o => o.UsernameHashKey = "cleanup-test-secret-0123456789abcdefgh")
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
                services.Configure<SecurityStoreCleanupOptions>(o =>
                {
                    o.Interval = Interval;
                    // Small batches: many interleaved statements from the two services.
                    o.BatchSize = 100;
                });
            },
            app => app.MapCspReports());
    }
}

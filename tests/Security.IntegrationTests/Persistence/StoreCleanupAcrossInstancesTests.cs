using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
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
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var a = await StartInstanceAsync("instance-a", time);
        await using var b = await StartInstanceAsync("instance-b", time);
        await SecuritySchema.CreateAsync(a.Services);
        await SeedAsync(a.Services, time.GetUtcNow());

        time.Advance(Interval);
        var runs = await WaitForRunsAsync(a, b);

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

    private static async Task<List<FakeLogRecord>> WaitForRunsAsync(TestApp a, TestApp b)
    {
        // The runs themselves are real database work on the real clock; the fake clock only starts them.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var runs = Runs(a).Concat(Runs(b)).ToList();
            if (runs.Count == 2 || Failures(a).Concat(Failures(b)).Any())
            {
                return runs;
            }

            await Task.Delay(50, timeout.Token);
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

    private async Task<TestApp> StartInstanceAsync(string name, FakeTimeProvider time)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { ApplicationName = name, MaxPoolSize = 20 }.ConnectionString;
        return await TestHost.StartAsync(
            services =>
            {
                services.AddLogging(logging => logging.ClearProviders().AddFilter(CleanupCategory, LogLevel.Debug));
                services.AddFakeLogging();
                services.AddSingleton<TimeProvider>(time);
                services.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self()))
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
                services.AddLoginThrottling(o => o.LoginPaths.Add("/login"))
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

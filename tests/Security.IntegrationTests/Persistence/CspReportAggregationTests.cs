using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Persistence;
using Security.Testing;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// A flood of identical reports through the real path (endpoint, queue, background writer, store) costs counter
/// updates, not rows or log lines: on PostgreSQL, SQLite and the in-memory store.
/// </summary>
[TestFixture("postgres")]
[TestFixture("sqlite")]
[TestFixture("memory")]
public sealed class CspReportAggregationTests(string storage)
{
    private const int Bodies = 1000;
    private const int ReportsPerBody = 100;

    // Query strings differ from report to report: the group compares URLs without them.
    private static readonly string Body = "[" + string.Join(',', Enumerable.Range(0, ReportsPerBody).Select(i =>
        $$$"""
        {"type": "csp-violation", "age": 1, "url": "https://app.example/reset?token={{{i}}}", "user_agent": "Chrome/156",
         "body": {"documentURL": "https://app.example/reset?token={{{i}}}", "blockedURL": "https://evil.example/x.js?v={{{i}}}",
           "effectiveDirective": "script-src-elem", "originalPolicy": "default-src 'self'", "disposition": "enforce", "statusCode": 200}}
        """)) + "]";

    [Test]
    public async Task A_flood_of_100000_identical_reports_leaves_ten_rows_an_exact_count_and_one_log_line()
    {
        await using var database = storage == "postgres" ? await PostgresServer.CreateDatabaseAsync() : null;
        var sqlitePath = Path.Combine(Path.GetTempPath(), $"security-aggregation-{Guid.NewGuid():N}.db");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        try
        {
            await using var app = await TestHost.StartAsync(
                services =>
                {
                    services.AddLogging(logging => logging.ClearProviders());
                    services.AddFakeLogging();
                    services.AddSingleton<TimeProvider>(time);
                    var csp = services.AddSecurityCsp(o =>
                    {
                        o.UsePolicy(p => p.DefaultSrc().Self());
                        o.Reports.QueueCapacity = Bodies * ReportsPerBody;
                        o.Reports.RateLimit.Enabled = false; // one test client posts the whole flood
                        o.Reports.AppOrigins = ["https://app.example"]; // the reports' page; TestServer's host is localhost

                    });
                    if (storage == "postgres")
                    {
                        csp.AddEntityFrameworkStore(db => db.UseNpgsql(database!.ConnectionString));
                    }
                    else if (storage == "sqlite")
                    {
                        csp.AddEntityFrameworkStore(db => db.UseSqlite("Data Source=" + sqlitePath));
                    }
                },
                app => app.MapCspReports("/csp-report"));
            if (storage != "memory")
            {
                await SecuritySchema.CreateAsync(app.Services);
            }

            var meters = app.Services.GetRequiredService<IMeterFactory>();
            using var dropped = new MetricCollector<long>(meters, SecurityTelemetry.MeterName, "security.csp.reports.dropped");

            for (var i = 0; i < Bodies; i++)
            {
                using var content = new StringContent(Body, Encoding.UTF8, "application/reports+json");
                using var response = await app.Client.PostAsync("/csp-report", content);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            }

            // Stopping the app saves what is still queued.
            await app.App.StopAsync();

            var store = app.Services.GetRequiredService<ICspReportStore>();
            var group = (await store.QueryGroupsAsync(new CspReportQuery())).Groups.Single();
            var logs = app.Services.GetFakeLogCollector().GetSnapshot();
            var rows = await RowsAsync(app.Services, store);
            Assert.Multiple(() =>
            {
                Assert.That(group.Count, Is.EqualTo(Bodies * ReportsPerBody), "every report counted");
                Assert.That((group.BlockedUri, group.DocumentUri), Is.EqualTo(("https://evil.example/x.js", "https://app.example/reset")));
                Assert.That(rows, Is.EqualTo(CspReportStoreOptions.DefaultReportsKeptPerGroup), "rows kept");
                Assert.That(dropped.GetMeasurementSnapshot().Sum(m => m.Value), Is.Zero, "nothing dropped");
                Assert.That(logs.Count(r => r.Id.Id == 3010 && r.Level == LogLevel.Warning), Is.EqualTo(1), "one warning for the group");
            });

            // When the hour is over, one summary line for the rest.
            time.Advance(TimeSpan.FromMinutes(61));
            var summary = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3030);
            Assert.That(summary.Message, Does.StartWith($"{(Bodies * ReportsPerBody) - 1} more Content Security Policy violations like script-src-elem blocked https://evil.example/x.js on https://app.example/reset"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in (string[])[sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm"])
            {
                File.Delete(file);
            }
        }
    }

    private static async Task<long> RowsAsync(IServiceProvider services, ICspReportStore store)
    {
        if (store is InMemoryCspReportStore memory)
        {
            return memory.Count;
        }

        await using var context = await services.GetRequiredService<IDbContextFactory<SecurityDbContext>>().CreateDbContextAsync();
        await context.Database.OpenConnectionAsync();
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM security_csp_reports";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

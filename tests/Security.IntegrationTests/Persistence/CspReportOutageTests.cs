using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Npgsql;
using Security.Abstractions;
using Security.Persistence;
using Security.Testing;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// The real report path (endpoint, queue, background writer, EF store) while its PostgreSQL database becomes
/// unreachable mid-run: the database refuses new connections (<c>ALLOW_CONNECTIONS false</c>) and its sessions are
/// terminated, then it comes back. The shared test server keeps running for the other tests.
/// </summary>
public sealed class CspReportOutageTests
{
    private const string WriterCategory = "Security.Csp.Internal.Reports.CspReportWriter";

    [Test]
    public async Task Reports_sent_while_the_database_is_down_are_saved_when_it_returns_within_the_retry_budget()
    {
        // Retries after 0.1, 0.3, 0.7, 1.5, 3.1, 6.3, 12.7, 25.5 s: far longer than the 1.5 s outage.
        var run = await RunAsync(maxRetries: 8, retryDelay: TimeSpan.FromMilliseconds(100), outage: TimeSpan.FromSeconds(1.5));

        Assert.That(run.NotAnswered204, Is.Zero, "every report POST was answered 204");
        Assert.That(run.SentDuringOutage, Is.Not.Empty, "reports were sent while the database was down");
        Assert.That(run.Retries, Is.GreaterThan(0), "the writer hit the outage and retried");
        Assert.That(run.ReceivedMetric, Is.EqualTo(run.Received), "security.csp.reports.received");
        Assert.That(run.Saved, Is.EqualTo(run.Received), "every report was saved");
        Assert.That(run.DistinctSaved, Is.EqualTo(run.Saved), "none twice");
        Assert.That(run.SavedOfSentDuringOutage, Is.EqualTo(run.SentDuringOutage.Count), "including each one sent during the outage");
        Assert.That(run.DroppedStoreFailed + run.DroppedQueueFull, Is.Zero, "nothing dropped");
    }

    [Test]
    public async Task Reports_lost_to_an_outage_longer_than_the_retry_budget_are_counted_as_dropped_exactly()
    {
        // Retries after 0.05 and 0.15 s, then the batch is dropped: a 3 s outage drops batch after batch.
        var run = await RunAsync(maxRetries: 2, retryDelay: TimeSpan.FromMilliseconds(50), outage: TimeSpan.FromSeconds(3));

        Assert.That(run.NotAnswered204, Is.Zero, "every report POST was answered 204");
        Assert.That(run.SentDuringOutage, Is.Not.Empty, "reports were sent while the database was down");
        Assert.That(run.ReceivedMetric, Is.EqualTo(run.Received), "security.csp.reports.received");
        Assert.That(run.DroppedStoreFailed, Is.GreaterThan(0), "the outage outlasted the retries");
        Assert.That(run.DroppedQueueFull, Is.Zero, "the queue never filled");
        Assert.That(run.DistinctSaved, Is.EqualTo(run.Saved), "none saved twice");
        Assert.That(run.Saved, Is.GreaterThan(0), "what came before and after the outage was saved");
        Assert.That(run.Received - run.Saved, Is.EqualTo(run.DroppedStoreFailed), "received - saved = dropped, exactly");
    }

    private static async Task<Outcome> RunAsync(int maxRetries, TimeSpan retryDelay, TimeSpan outage)
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 10 }.ConnectionString;
        await using var app = await TestHost.StartAsync(
            services =>
            {
                services.AddLogging(logging => logging.ClearProviders());
                services.AddFakeLogging();
                services.AddSecurityCsp(o =>
                    {
                        o.UsePolicy(p => p.DefaultSrc().Self());
                        o.Reports.LogReports = false;
                        // One client posts a steady stream of distinct reports, told apart by their query strings.
                        o.Reports.RateLimit.Enabled = false;
                        o.Reports.KeepQueryStrings = true;
                        o.Reports.BatchSize = 20;
                        o.Reports.QueueCapacity = 100_000;
                        o.Reports.MaxRetries = maxRetries;
                        o.Reports.RetryDelay = retryDelay;
                    })
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
            },
            app => app.MapCspReports("/csp-report"));
        await SecuritySchema.CreateAsync(app.Services);
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meters, SecurityTelemetry.MeterName, "security.csp.reports.dropped");
        using var received = new MetricCollector<long>(meters, SecurityTelemetry.MeterName, "security.csp.reports.received");

        var load = new ReportLoad(app.Client);
        var posting = Task.WhenAll(load.PostUntilStoppedAsync(), load.PostUntilStoppedAsync());
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        await SetReachableAsync(database, reachable: false);
        load.OutageStarted();
        await Task.Delay(outage);
        load.OutageEnded();
        await SetReachableAsync(database, reachable: true);

        await Task.Delay(TimeSpan.FromMilliseconds(500));
        load.Stop();
        await posting;
        // Stopping the app saves what is still queued (within the shutdown timeout).
        await app.App.StopAsync();

        var (saved, distinct, savedOfOutage) = await CountSavedAsync(database, load.SentDuringOutage);
        var outcome = new Outcome(
            load.Answered204,
            load.NotAnswered204,
            load.SentDuringOutage,
            received.GetMeasurementSnapshot().Sum(m => m.Value),
            saved,
            distinct,
            savedOfOutage,
            Dropped(dropped, "store_failed"),
            Dropped(dropped, "queue_full"),
            app.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Category == WriterCategory && r.Id.Id == 3020));
        TestContext.Out.WriteLine(
            $"received {outcome.Received} (during the outage {outcome.SentDuringOutage.Count}), saved {outcome.Saved}, " +
            $"dropped store_failed {outcome.DroppedStoreFailed}, queue_full {outcome.DroppedQueueFull}, retries logged {outcome.Retries}");
        return outcome;
    }

    private static long Dropped(MetricCollector<long> dropped, string reason) =>
        dropped.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], reason)).Sum(m => m.Value);

    private static async Task SetReachableAsync(PostgresDatabase database, bool reachable)
    {
        await using var admin = new NpgsqlConnection(await PostgresServer.GetConnectionStringAsync());
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{database.Name}\" ALLOW_CONNECTIONS {(reachable ? "true" : "false")}", admin))
        {
            await alter.ExecuteNonQueryAsync();
        }

        if (!reachable)
        {
            // Also cut the sessions already open (the pool's), as a server going away would.
            await using var terminate = new NpgsqlCommand(
                "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", admin);
            terminate.Parameters.AddWithValue("name", database.Name);
            await terminate.ExecuteScalarAsync();
        }
    }

    private static async Task<(long Saved, long Distinct, long SavedOfOutage)> CountSavedAsync(PostgresDatabase database, IReadOnlyCollection<string> outageUris)
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT COALESCE(SUM(report_count), 0)::bigint, COUNT(DISTINCT document_uri), COALESCE(SUM(report_count) FILTER (WHERE document_uri = ANY(@uris)), 0)::bigint FROM security_csp_report_groups",
            connection);
        command.Parameters.AddWithValue("uris", outageUris.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private sealed record Outcome(
        long Received,
        long NotAnswered204,
        IReadOnlyCollection<string> SentDuringOutage,
        long ReceivedMetric,
        long Saved,
        long DistinctSaved,
        long SavedOfSentDuringOutage,
        long DroppedStoreFailed,
        long DroppedQueueFull,
        int Retries);

    /// <summary>Posts numbered legacy reports back to back and remembers which were sent wholly within the outage.</summary>
    private sealed class ReportLoad(HttpClient client)
    {
        private readonly List<string> _duringOutage = [];
        private long _sequence;
        private long _answered204;
        private long _notAnswered204;
        private long _outageEpoch; // odd while the database is down
        private volatile bool _stopped;

        public long Answered204 => Interlocked.Read(ref _answered204);

        public long NotAnswered204 => Interlocked.Read(ref _notAnswered204);

        public IReadOnlyCollection<string> SentDuringOutage
        {
            get
            {
                lock (_duringOutage)
                {
                    return [.. _duringOutage];
                }
            }
        }

        public void OutageStarted() => Interlocked.Increment(ref _outageEpoch);

        public void OutageEnded() => Interlocked.Increment(ref _outageEpoch);

        public void Stop() => _stopped = true;

        public async Task PostUntilStoppedAsync()
        {
            while (!_stopped)
            {
                // Numbered in the path: a query string would not tell reports apart (groups compare URLs without it).
                var uri = "https://app.example/orders/" + Interlocked.Increment(ref _sequence);
                var epochBefore = Interlocked.Read(ref _outageEpoch);
                using var content = new StringContent(
                    $$$"""{"csp-report": {"document-uri": "{{{uri}}}", "blocked-uri": "https://evil.example/x.js", "violated-directive": "script-src-elem", "effective-directive": "script-src-elem", "original-policy": "default-src 'self'"}}""",
                    Encoding.UTF8,
                    "application/csp-report");
                try
                {
                    using var response = await client.PostAsync("csp-report", content);
                    Interlocked.Increment(ref response.StatusCode == HttpStatusCode.NoContent ? ref _answered204 : ref _notAnswered204);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref _notAnswered204);
                }

                if (epochBefore % 2 == 1 && Interlocked.Read(ref _outageEpoch) == epochBefore)
                {
                    lock (_duringOutage)
                    {
                        _duringOutage.Add(uri);
                    }
                }

                // About a thousand reports a second in all: a steady stream, not a flood.
                await Task.Delay(1);
            }
        }
    }
}

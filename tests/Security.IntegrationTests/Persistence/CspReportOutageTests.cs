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
/// terminated, then it comes back. The shared test server keeps running for the other tests. The writer's backoff runs
/// on a fake clock the test advances each time the writer starts waiting, so the outage lasts a number of failed
/// attempts rather than a stretch of wall-clock time.
/// </summary>
public sealed class CspReportOutageTests
{
    private const string WriterCategory = "Security.Csp.Internal.Reports.CspReportWriter";
    private const int ReportsPerPhase = 60;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Reports_sent_while_the_database_is_down_are_saved_when_it_returns_within_the_retry_budget()
    {
        // Eight retries allowed; the database comes back once the writer has waited for its third retry.
        var run = await RunAsync(maxRetries: 8, outageLasts: (retriesWaited, _) => retriesWaited >= 3);

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
        // Two retries, then the batch is dropped: the database stays down until batch after batch has been dropped.
        var run = await RunAsync(maxRetries: 2, outageLasts: (_, droppedBatches) => droppedBatches >= 2);

        Assert.That(run.NotAnswered204, Is.Zero, "every report POST was answered 204");
        Assert.That(run.SentDuringOutage, Is.Not.Empty, "reports were sent while the database was down");
        Assert.That(run.ReceivedMetric, Is.EqualTo(run.Received), "security.csp.reports.received");
        Assert.That(run.DroppedStoreFailed, Is.GreaterThan(0), "the outage outlasted the retries");
        Assert.That(run.DroppedQueueFull, Is.Zero, "the queue never filled");
        Assert.That(run.DistinctSaved, Is.EqualTo(run.Saved), "none saved twice");
        Assert.That(run.Saved, Is.GreaterThan(0), "what came before and after the outage was saved");
        Assert.That(run.Received - run.Saved, Is.EqualTo(run.DroppedStoreFailed), "received - saved = dropped, exactly");
    }

    /// <param name="maxRetries">The writer's retry budget per batch.</param>
    /// <param name="outageLasts">
    /// Given how many retry waits the writer has begun and how many batches it has dropped since the database went
    /// down, whether the database comes back now (asked each time the writer begins a retry wait).
    /// </param>
    private static async Task<Outcome> RunAsync(int maxRetries, Func<int, int, bool> outageLasts)
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 10 }.ConnectionString;
        var time = new TimerSignallingTimeProvider(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero), RetryDelay);
        var observer = new ReportWriterObserver();
        await using var app = await TestHost.StartAsync(
            services =>
            {
                services.AddLogging(logging => logging.ClearProviders());
                services.AddFakeLogging();
                services.AddSingleton<TimeProvider>(time);
                services.AddSecurityCsp(o =>
                    {
                        o.UsePolicy(p => p.DefaultSrc().Self());
                        o.Reports.LogReports = false;
                        o.Reports.AppOrigins = ["https://app.example"]; // the reports' page; TestServer's host is localhost
                        // One client posts a steady stream of distinct reports, told apart by their query strings.
                        o.Reports.RateLimit.Enabled = false;
                        o.Reports.KeepQueryStrings = true;
                        o.Reports.BatchSize = 20;
                        o.Reports.QueueCapacity = 100_000;
                        o.Reports.MaxRetries = maxRetries;
                        o.Reports.RetryDelay = RetryDelay;
                    })
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
                // Added after the store's own (tried-added) registration, so the writer resolves this one.
                services.AddTransient<ICspReportStoreWriter>(sp => new ObservedReportWriter(sp.GetRequiredService<ICspReportStore>(), observer));
            },
            app => app.MapCspReports("/csp-report"));
        await SecuritySchema.CreateAsync(app.Services);
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meters, SecurityTelemetry.MeterName, "security.csp.reports.dropped");
        using var received = new MetricCollector<long>(meters, SecurityTelemetry.MeterName, "security.csp.reports.received");

        var load = new ReportLoad(app.Client);
        await load.PostAsync(ReportsPerPhase);
        await observer.SavedAtLeast(ReportsPerPhase).WaitAsync(SafetyTimeout);

        await SetReachableAsync(database, reachable: false);
        load.OutageStarted();
        await load.PostAsync(ReportsPerPhase);
        await observer.FirstFailure.WaitAsync(SafetyTimeout);
        // Each failed attempt ends in a retry wait (or, past the budget, a dropped batch and the next batch's wait).
        var retriesWaited = 1;
        var pending = await NextRetryWaitAsync(time, CancellationToken.None).WaitAsync(SafetyTimeout);
        while (!outageLasts(retriesWaited, dropped.GetMeasurementSnapshot().Count))
        {
            time.Advance(pending);
            pending = await NextRetryWaitAsync(time, CancellationToken.None).WaitAsync(SafetyTimeout);
            retriesWaited++;
        }

        load.OutageEnded();
        await SetReachableAsync(database, reachable: true);

        // From now on every retry wait ends at once (a pooled connection the outage broke can fail one more attempt).
        using var stopAdvancing = new CancellationTokenSource();
        time.Advance(pending);
        var advancing = AdvanceEveryRetryWaitAsync(time, stopAdvancing.Token);
        await load.PostAsync(ReportsPerPhase);
        // The writer saves again now that the database is back (what it was retrying, or failing that, what came after).
        await observer.SavedAtLeast(ReportsPerPhase + 1).WaitAsync(SafetyTimeout);
        // Stopping the app saves what is still queued (within the shutdown timeout).
        await app.App.StopAsync();
        await stopAdvancing.CancelAsync();
        await advancing;

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

    /// <summary>The next wait the writer begins before a retry (its backoff doubles from <see cref="RetryDelay"/>).</summary>
    private static async Task<TimeSpan> NextRetryWaitAsync(TimerSignallingTimeProvider time, CancellationToken cancellationToken)
    {
        while (true)
        {
            var due = await time.Created.ReadAsync(cancellationToken);
            var multiple = due.Ticks / RetryDelay.Ticks;
            if (due.Ticks % RetryDelay.Ticks == 0 && multiple > 0 && (multiple & (multiple - 1)) == 0)
            {
                return due;
            }
        }
    }

    private static async Task AdvanceEveryRetryWaitAsync(TimerSignallingTimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                time.Advance(await NextRetryWaitAsync(time, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
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

    /// <summary>Posts numbered legacy reports from two clients at once and remembers which were sent wholly within the outage.</summary>
    private sealed class ReportLoad(HttpClient client)
    {
        private readonly List<string> _duringOutage = [];
        private long _sequence;
        private long _answered204;
        private long _notAnswered204;
        private long _outageEpoch; // odd while the database is down

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

        public Task PostAsync(int count) => Task.WhenAll(PostOneByOneAsync(count / 2), PostOneByOneAsync(count - (count / 2)));

        private async Task PostOneByOneAsync(int count)
        {
            for (var i = 0; i < count; i++)
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
            }
        }
    }
}

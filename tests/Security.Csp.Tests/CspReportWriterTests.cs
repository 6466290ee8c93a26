using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Security.Abstractions;
using Security.Csp.Tests.Fakes;
using Security.Testing;

namespace Security.Csp.Tests;

public sealed class CspReportWriterTests
{
    private static string Report(int i) => "{\"csp-report\": {\"document-uri\": \"https://a.example/" + i + "\", \"effective-directive\": \"img-src\"}}";

    [Test]
    public async Task Burst_larger_than_the_queue_drops_and_counts_the_excess_without_failing_requests()
    {
        var store = new GatedCspReportStore();
        await using var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.QueueCapacity = 5;
            o.Reports.BatchSize = 1;
        }, store);
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.dropped");
        using var received = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.received");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await app.PostStatusAsync(Report(i)));
        }

        var droppedWhileFull = dropped.GetMeasurementSnapshot().EvaluateAsCounter();
        store.Release();
        await app.App.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.NoContent));
            Assert.That(received.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(30));
            Assert.That(droppedWhileFull, Is.GreaterThanOrEqualTo(24), "at most the queue (5) and the batch in the writer (1) can wait");
            Assert.That(dropped.GetMeasurementSnapshot().All(m => (string?)m.Tags["reason"] == "queue_full"), Is.True);
            Assert.That(store.Inner.Count + droppedWhileFull, Is.EqualTo(30), "every report is either stored or counted as dropped");
        });
    }

    [Test]
    public async Task Stopping_the_app_saves_everything_still_queued()
    {
        var store = new GatedCspReportStore();
        var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.QueueCapacity = 1000;
            o.Reports.BatchSize = 7;
        }, store);

        for (var i = 0; i < 50; i++)
        {
            await app.PostStatusAsync(Report(i));
        }

        var stopping = app.App.StopAsync();
        store.Release();
        await stopping;
        await app.DisposeAsync();

        Assert.That(store.Inner.Count, Is.EqualTo(50));
        Assert.That(store.Inner.Snapshot().Select(r => r.DocumentUri), Is.EquivalentTo(Enumerable.Range(0, 50).Select(i => "https://a.example/" + i)));
    }

    [Test]
    public async Task Failed_save_is_retried_until_it_succeeds()
    {
        var store = new FailingCspReportStore((_, call) => call < 3);
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.MaxRetries = 3, store);

        await app.PostStatusAsync(Report(1));
        await app.App.StopAsync();

        Assert.That(store.Inner.Snapshot().Single().DocumentUri, Is.EqualTo("https://a.example/1"));
        Assert.That(store.Calls, Is.EqualTo(3));
    }

    [Test]
    public async Task Store_that_keeps_failing_drops_and_counts_the_batch_and_the_writer_keeps_going()
    {
        var store = new FailingCspReportStore((batch, _) => batch.Any(r => r.DocumentUri!.EndsWith("/poison", StringComparison.Ordinal)));
        await using var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.MaxRetries = 2;
            o.Reports.BatchSize = 1;
        }, store);
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.dropped");

        await app.PostStatusAsync("""{"csp-report": {"document-uri": "https://a.example/poison"}}""");
        await app.PostStatusAsync(Report(2));
        await app.App.StopAsync();

        Assert.That(store.Inner.Snapshot().Select(r => r.DocumentUri), Is.EqualTo(new[] { "https://a.example/2" }));
        var measurement = dropped.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(1));
        Assert.That(measurement.Tags["reason"], Is.EqualTo("store_failed"));
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Id == 3020), Is.EqualTo(2), "two retries logged");
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Id == 3021), Is.EqualTo(1), "one batch dropped");
    }

    [Test]
    public async Task Reports_are_not_stored_when_storing_is_switched_off()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.StoreReports = false);

        Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport), Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await app.StopAndReadStoreAsync(), Is.Empty);
    }

    [Test]
    public async Task Retry_waits_for_the_backoff_delay_on_the_time_provider_and_stamps_reports_with_its_clock()
    {
        var start = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var retryDelay = TimeSpan.FromMinutes(10);
        var time = new TimerSignallingTimeProvider(start, retryDelay);
        var store = new FailingCspReportStore((_, call) => call == 1);
        await using var app = await CspTestHost.StartAsync(
            s =>
            {
                s.AddSingleton<TimeProvider>(time);
                s.AddSingleton<ICspReportStore>(store);
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.UseTestOrigins();
                    o.Reports.RetryDelay = retryDelay;
                });
            },
            a => a.MapCspReports());

        await app.PostStatusAsync(Report(1));
        await store.FirstFailure.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await time.TimerCreated.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // A fake timer fires inside Advance, so the retry cannot have started before its full delay has passed.
        time.Advance(retryDelay - TimeSpan.FromSeconds(1));
        Assert.That(store.Calls, Is.EqualTo(1), "no retry before the backoff delay is over");

        time.Advance(TimeSpan.FromSeconds(1));
        await store.FirstSave.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(store.Calls, Is.EqualTo(2));
        Assert.That(store.Inner.Snapshot().Single().ReceivedAt, Is.EqualTo(start));
    }
}

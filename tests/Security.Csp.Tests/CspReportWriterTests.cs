using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Security.Abstractions;
using Security.Testing;

namespace Security.Csp.Tests;

public sealed class CspReportWriterTests
{
    private static string Report(int i) => "{\"csp-report\": {\"document-uri\": \"https://a.example/" + i + "\", \"effective-directive\": \"img-src\"}}";

    /// <summary>A store whose saves wait until released, to fill the queue behind it.</summary>
    private sealed class GatedStore : ICspReportStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public InMemoryCspReportStore Inner { get; } = new();

        public void Release() => _gate.TrySetResult();

        public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
        {
            await _gate.Task.WaitAsync(cancellationToken);
            await Inner.SaveAsync(reports, cancellationToken);
        }

        public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default) => Inner.QueryGroupsAsync(query, cancellationToken);

        public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default) =>
            Inner.CountByHourAsync(from, to, effectiveDirective, cancellationToken);

        public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default) => Inner.DeleteOlderThanAsync(cutoff, maxCount, cancellationToken);
    }

    [Test]
    public async Task Burst_larger_than_the_queue_drops_and_counts_the_excess_without_failing_requests()
    {
        var store = new GatedStore();
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
        var store = new GatedStore();
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
        var saved = new List<CspReport>();
        var store = new Mock<ICspReportStore>();
        var calls = 0;
        store.Setup(s => s.SaveAsync(It.IsAny<IReadOnlyList<CspReport>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<CspReport> r, CancellationToken _) =>
            {
                if (++calls < 3)
                {
                    return Task.FromException(new TimeoutException("db down"));
                }

                saved.AddRange(r);
                return Task.CompletedTask;
            });
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.MaxRetries = 3, store.Object);

        await app.PostStatusAsync(Report(1));
        await app.App.StopAsync();

        Assert.That(saved.Single().DocumentUri, Is.EqualTo("https://a.example/1"));
        store.Verify(s => s.SaveAsync(It.IsAny<IReadOnlyList<CspReport>>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Test]
    public async Task Store_that_keeps_failing_drops_and_counts_the_batch_and_the_writer_keeps_going()
    {
        var saved = new List<CspReport>();
        var store = new Mock<ICspReportStore>();
        store.Setup(s => s.SaveAsync(It.Is<IReadOnlyList<CspReport>>(l => l.Any(r => r.DocumentUri!.EndsWith("/poison", StringComparison.Ordinal))), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("constraint violation"));
        store.Setup(s => s.SaveAsync(It.Is<IReadOnlyList<CspReport>>(l => l.All(r => !r.DocumentUri!.EndsWith("/poison", StringComparison.Ordinal))), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<CspReport> r, CancellationToken _) =>
            {
                lock (saved)
                {
                    saved.AddRange(r);
                }

                return Task.CompletedTask;
            });
        await using var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.MaxRetries = 2;
            o.Reports.BatchSize = 1;
        }, store.Object);
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.dropped");

        await app.PostStatusAsync("""{"csp-report": {"document-uri": "https://a.example/poison"}}""");
        await app.PostStatusAsync(Report(2));
        await app.App.StopAsync();

        Assert.That(saved.Select(r => r.DocumentUri), Is.EqualTo(new[] { "https://a.example/2" }));
        var measurement = dropped.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(1));
        Assert.That(measurement.Tags["reason"], Is.EqualTo("store_failed"));
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Id == 20), Is.EqualTo(2), "two retries logged");
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Id == 21), Is.EqualTo(1), "one batch dropped");
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
        var time = new FakeTimeProvider(start);
        var saved = new List<CspReport>();
        var attempts = 0;
        var firstAttemptDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var savedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new Mock<ICspReportStore>();
        store.Setup(s => s.SaveAsync(It.IsAny<IReadOnlyList<CspReport>>(), It.IsAny<CancellationToken>()))
            .Returns((IReadOnlyList<CspReport> r, CancellationToken _) =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    firstAttemptDone.TrySetResult();
                    return Task.FromException(new TimeoutException("db down"));
                }

                saved.AddRange(r);
                savedSignal.TrySetResult();
                return Task.CompletedTask;
            });
        await using var app = await CspTestHost.StartAsync(
            s =>
            {
                s.AddSingleton<TimeProvider>(time);
                s.AddSingleton(store.Object);
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.RetryDelay = TimeSpan.FromMinutes(10);
                });
            },
            a => a.MapCspReports());

        await app.PostStatusAsync(Report(1));
        await firstAttemptDone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Step the fake clock a minute at a time until the retry runs: it must take the full 10 minutes.
        var advanced = TimeSpan.Zero;
        while (!savedSignal.Task.IsCompleted && advanced < TimeSpan.FromHours(1))
        {
            time.Advance(TimeSpan.FromMinutes(1));
            advanced += TimeSpan.FromMinutes(1);
            await Task.WhenAny(savedSignal.Task, Task.Delay(50));
        }

        Assert.That(advanced, Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(saved.Single().ReceivedAt, Is.EqualTo(start));
    }
}

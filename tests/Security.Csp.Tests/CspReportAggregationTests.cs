using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Csp.Internal.Reports;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// A flood of identical reports must not turn into a flood of log lines: the first report of a group in an hour is
/// logged, the rest summed up in one line when the hour is over.
/// </summary>
public sealed class CspReportAggregationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task A_thousand_identical_reports_give_one_warning_and_one_summary_line_an_hour()
    {
        var time = new FakeTimeProvider(T0);
        await using var app = await StartAsync(time);

        for (var i = 0; i < 1000; i++)
        {
            Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport), Is.EqualTo(HttpStatusCode.NoContent));
        }

        Assert.That(Logs(app, 3010), Has.Count.EqualTo(1), "the first report is logged in full");
        Assert.That(Logs(app, 3030), Is.Empty, "no summary before the hour is over");

        time.Advance(TimeSpan.FromMinutes(61));
        var summary = Logs(app, 3030).Single();
        Assert.That(summary.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(summary.Message, Is.EqualTo(
            "999 more Content Security Policy violations like script-src-elem blocked https://evil.example/x.js on https://app.example/page (disposition enforce) in the last hour"));

        Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport), Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Logs(app, 3010), Has.Count.EqualTo(2), "a new hour starts with a full line again");
    }

    [Test]
    public async Task Reports_that_differ_only_in_query_string_are_logged_once_and_different_reports_each()
    {
        await using var app = await StartAsync(new FakeTimeProvider(T0));

        foreach (var query in new[] { "?token=a", "?token=b", "#x", "" })
        {
            await app.PostStatusAsync(CspReportTestHost.LegacyReport.Replace("https://app.example/page", "https://app.example/page" + query, StringComparison.Ordinal));
        }

        await app.PostStatusAsync(CspReportTestHost.LegacyReport.Replace("https://evil.example/x.js", "https://other.example/y.js", StringComparison.Ordinal));
        await app.PostStatusAsync(CspReportTestHost.LegacyReport.Replace("\"enforce\"", "\"report\"", StringComparison.Ordinal));

        Assert.That(Logs(app, 3010), Has.Count.EqualTo(3));
    }

    [Test]
    public void The_throttle_follows_a_bounded_number_of_groups_and_counts_the_others_in_one_line()
    {
        var time = new FakeTimeProvider(T0);
        var logs = new FakeLogCollector();
        using var throttle = new CspReportLogThrottle(time, new FakeLogger<CspReportLogThrottle>(logs));

        var logged = Enumerable.Range(0, CspReportLogThrottle.MaxGroups + 5)
            .Count(i => throttle.ShouldLog(new CspReport { EffectiveDirective = "img-src", BlockedUri = $"https://x{i}.example/" }));

        Assert.That(logged, Is.EqualTo(CspReportLogThrottle.MaxGroups));
        Assert.That(throttle.Count, Is.EqualTo(CspReportLogThrottle.MaxGroups));
        time.Advance(TimeSpan.FromMinutes(61));
        Assert.That(throttle.Count, Is.Zero, "every hour over is forgotten");
        Assert.That(logs.GetSnapshot().Single(r => r.Id.Id == 3031).Message, Does.StartWith("5 Content Security Policy violations were not logged"));
        Assert.That(logs.GetSnapshot().Count(r => r.Id.Id == 3030), Is.Zero, "no summary for groups that had no second report");
    }

    [Test]
    public void The_throttle_keeps_only_the_first_characters_of_huge_values()
    {
        var time = new FakeTimeProvider(T0);
        var logs = new FakeLogCollector();
        using var throttle = new CspReportLogThrottle(time, new FakeLogger<CspReportLogThrottle>(logs));
        var huge = "https://app.example/" + new string('a', 60_000);

        Assert.That(throttle.ShouldLog(new CspReport { EffectiveDirective = "img-src", BlockedUri = huge + "1" }), Is.True);
        Assert.That(throttle.ShouldLog(new CspReport { EffectiveDirective = "img-src", BlockedUri = huge + "2" }), Is.False, "followed by its first characters");

        time.Advance(TimeSpan.FromMinutes(61));
        var summary = logs.GetSnapshot().Single(r => r.Id.Id == 3030).Message;
        Assert.That(summary.Length, Is.LessThan(CspReportLogThrottle.MaxKeyValueLength + 200));
    }

    [Test]
    public void Reports_kept_per_group_outside_0_to_1000_stops_the_app_naming_the_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self())),
            a => a.MapCspReports("/csp-report"),
            """{"Security": {"Csp": {"Reports": {"ReportsKeptPerGroup": 1001}}}}"""));

        Assert.That(error!.Message, Does.Contain("Security:Csp:Reports:ReportsKeptPerGroup: '1001' must be between 0 (counts only) and 1000"));
    }

    [Test]
    public async Task Reports_kept_per_group_from_configuration_reaches_the_in_memory_store()
    {
        await using var app = await CspTestHost.StartAsync(
            s =>
            {
                s.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.UseTestOrigins();
                    o.Reports.RetryDelay = TimeSpan.Zero;
                });
            },
            a => a.MapCspReports("/csp-report"),
            """{"Security": {"Csp": {"Reports": {"ReportsKeptPerGroup": 2}}}}""");
        for (var i = 0; i < 5; i++)
        {
            await app.PostStatusAsync(CspReportTestHost.LegacyReport);
        }

        // Stopping drains the writer's queue into the store.
        await app.App.StopAsync();
        var store = (InMemoryCspReportStore)app.Services.GetRequiredService<ICspReportStore>();

        Assert.That((await store.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(5));
        Assert.That(store.Count, Is.EqualTo(2));
    }

    private static Task<TestApp> StartAsync(FakeTimeProvider time) =>
        CspTestHost.StartAsync(
            s =>
            {
                s.AddSingleton<TimeProvider>(time);
                // One test client posts the whole flood: the per-client limit would stop it first.
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.UseTestOrigins();
                    o.Reports.RateLimit.Enabled = false;
                });
            },
            a => a.MapCspReports("/csp-report"));

    private static List<FakeLogRecord> Logs(TestApp app, int eventId) =>
        [.. app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == eventId)];
}

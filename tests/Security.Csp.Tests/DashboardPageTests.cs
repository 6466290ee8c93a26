using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Security.Abstractions;
using Security.Csp.Internal.Dashboard;
using static Security.Csp.Tests.DashboardTestHost;

namespace Security.Csp.Tests;

public sealed partial class DashboardPageTests
{
    [Test]
    public async Task Groups_are_rendered_with_count_first_and_last_seen_most_frequent_first()
    {
        var store = await StoreAsync(
            Report(Now.AddMinutes(-20)), Report(Now.AddHours(-2)), Report(Now.AddMinutes(-5)),
            Report(Now.AddMinutes(-1), "img-src", "https://evil.example/x.png", "https://app.example/shop"));
        await using var app = await StartAsync(store);

        var rows = Rows(await app.GetPageAsync());

        Assert.That(rows, Is.EqualTo(new[]
        {
            new[] { "script-src-elem", "inline", "https://app.example/", "3", "2026-03-01 10:30:00", "2026-03-01 12:25:00", CspAllowAdvisor.InlineScriptAdvice },
            new[] { "img-src", "https://evil.example/x.png", "https://app.example/shop", "1", "2026-03-01 12:29:00", "2026-03-01 12:29:00", "img-src 'self' https://evil.example" },
        }));
    }

    [Test]
    public async Task Directive_filter_is_exact_and_kept_in_the_form_and_links()
    {
        var store = await StoreAsync(Report(Now, "script-src"), Report(Now, "script-src-elem"), Report(Now, "Script-Src"));
        await using var app = await StartAsync(store);

        var page = await app.GetPageAsync("?directive=script-src");

        Assert.That(Rows(page).Select(r => r[0]), Is.EqualTo(new[] { "script-src" }));
        Assert.That(page, Does.Contain("name=\"directive\" size=\"24\" placeholder=\"all, e.g. script-src-elem\" value=\"script-src\""));
        Assert.That(page, Does.Contain("href=\"/security/csp-reports/json?hours=24&amp;directive=script-src\""));
    }

    [TestCase(1, 1)]
    [TestCase(24, 2)]
    [TestCase(168, 3)]
    [TestCase(720, 4)]
    public async Task Hours_choose_the_window_of_whole_utc_hours_ending_with_the_current_one(int hours, int expectedGroups)
    {
        // 12:00 is inside the 1-hour window (12:00 to 13:00); 11:59 is not.
        var store = await StoreAsync(
            Report(Now.AddMinutes(-30), blocked: "a"), Report(Now.AddMinutes(-31), blocked: "b"),
            Report(Now.AddDays(-6), blocked: "c"), Report(Now.AddDays(-29), blocked: "d"), Report(Now.AddDays(-31), blocked: "e"));
        await using var app = await StartAsync(store);

        var page = await app.GetPageAsync($"?hours={hours}");

        Assert.That(Rows(page), Has.Count.EqualTo(expectedGroups));
        Assert.That(page, Does.Contain($"<option value=\"{hours}\" selected>"));
    }

    [Test]
    public async Task Paging_shows_fifty_groups_a_page_with_previous_and_next_links()
    {
        var store = await StoreAsync([.. Enumerable.Range(0, 120).Select(i => Report(Now.AddSeconds(-i), blocked: $"https://b{i:D3}.example/"))]);
        await using var app = await StartAsync(store);

        var first = await app.GetPageAsync();
        var second = await app.GetPageAsync("?page=2");
        var last = await app.GetPageAsync("?hours=24&page=3");
        var beyond = await app.GetPageAsync("?page=4");

        Assert.Multiple(() =>
        {
            Assert.That(Rows(first), Has.Count.EqualTo(50));
            Assert.That(Rows(first)[0][1], Is.EqualTo("https://b000.example/"), "newest first among equal counts");
            Assert.That(first, Does.Contain("<span>Page 1 of 3</span><a rel=\"next\" href=\"/security/csp-reports?hours=24&amp;page=2\">Next</a>"));
            Assert.That(first, Does.Not.Contain("rel=\"prev\""));
            Assert.That(Rows(second)[0][1], Is.EqualTo("https://b050.example/"));
            Assert.That(second, Does.Contain("<a rel=\"prev\" href=\"/security/csp-reports?hours=24\">Previous</a><span>Page 2 of 3</span>"));
            Assert.That(Rows(last), Has.Count.EqualTo(20));
            Assert.That(last, Does.Not.Contain("rel=\"next\""));
            Assert.That(beyond, Does.Contain("No reports.").And.Contain("rel=\"prev\""));
            Assert.That(first, Does.Contain("<h2>Groups (120)</h2>"));
        });
    }

    [Test]
    public async Task Chart_has_one_bar_per_hour_with_heights_proportional_to_the_counts()
    {
        var store = await StoreAsync(
            Report(Now.AddHours(-2)), Report(Now.AddHours(-2).AddMinutes(10)), Report(Now.AddHours(-2).AddMinutes(20)),
            Report(Now), Report(Now.AddHours(-30)));
        await using var app = await StartAsync(store);

        var bars = Bars(await app.GetPageAsync());

        Assert.That(bars, Has.Count.EqualTo(24));
        Assert.Multiple(() =>
        {
            Assert.That(bars[21].Height, Is.EqualTo(CspDashboardChart.PlotHeight), "10:00 holds the most reports: full height");
            Assert.That(bars[23].Height, Is.EqualTo(CspDashboardChart.PlotHeight / 3).Within(0.001), "12:00: one third of it");
            Assert.That(bars.Where((_, i) => i is not 21 and not 23).Select(b => b.Height), Is.All.Zero);
            Assert.That(bars[21].Title, Is.EqualTo("2026-03-01 10:00 to 11:00 UTC: 3 reports"));
            Assert.That(bars[23].Title, Is.EqualTo("2026-03-01 12:00 to 13:00 UTC: 1 report"));
            Assert.That(bars[0].Title, Is.EqualTo("2026-02-28 13:00 to 14:00 UTC: 0 reports"));
            Assert.That(bars.Select(b => b.X), Is.Ordered.Ascending);
        });
    }

    [Test]
    public async Task Chart_has_axis_labels_for_the_maximum_and_the_window()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now), Report(Now)));

        var page = await app.GetPageAsync("?hours=1");

        Assert.That(Bars(page), Has.Count.EqualTo(1));
        Assert.That(page, Does.Contain("text-anchor=\"end\">2</text>").And.Contain("text-anchor=\"end\">0</text>"));
        Assert.That(page, Does.Contain(">2026-03-01 12:00</text>").And.Contain(">2026-03-01 13:00</text>"));
    }

    [Test]
    public async Task Chart_follows_the_directive_filter()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now, "img-src"), Report(Now.AddHours(-1)), Report(Now.AddHours(-1))));

        var bars = Bars(await app.GetPageAsync("?hours=2&directive=img-src"));

        Assert.That(bars.Select(b => b.Height), Is.EqualTo(new[] { 0, CspDashboardChart.PlotHeight }));
    }

    [Test]
    public async Task Json_twin_holds_the_same_groups_window_and_hourly_counts()
    {
        var store = await StoreAsync(
            Report(Now.AddHours(-2)), Report(Now.AddHours(-2)), Report(Now, "img-src", "https://evil.example/x.png"));
        await using var app = await StartAsync(store);

        using var response = await app.Client.GetAsync(DashboardPath + "/json?hours=3");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        var page = await app.GetPageAsync("?hours=3");

        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("application/json; charset=utf-8"));
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("from").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)));
            Assert.That(root.GetProperty("to").GetDateTimeOffset(), Is.EqualTo(new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero)));
            Assert.That(root.GetProperty("hours").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("directive").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(root.GetProperty("page").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("pageSize").GetInt32(), Is.EqualTo(50));
            Assert.That(root.GetProperty("totalGroups").GetInt64(), Is.EqualTo(2));
            Assert.That(
                root.GetProperty("groups").EnumerateArray().Select(g => new[]
                {
                    g.GetProperty("effectiveDirective").GetString(), g.GetProperty("blockedUri").GetString(), g.GetProperty("documentUri").GetString(),
                    g.GetProperty("count").GetInt64().ToString(CultureInfo.InvariantCulture),
                    g.GetProperty("firstSeen").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    g.GetProperty("lastSeen").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    g.GetProperty("allow").GetString() ?? g.GetProperty("advice").GetString(),
                }),
                Is.EqualTo(Rows(page)));
            Assert.That(
                root.GetProperty("hourly").EnumerateArray().Select(h => (h.GetProperty("hour").GetDateTimeOffset().Hour, h.GetProperty("count").GetInt64())),
                Is.EqualTo(new[] { (10, 2L), (11, 0L), (12, 1L) }));
        });
    }

    [Test]
    public async Task A_store_that_cannot_count_per_hour_still_shows_the_groups()
    {
        await using var app = await StartAsync(new GroupsOnlyStore());

        var page = await app.GetPageAsync();
        using var response = await app.Client.GetAsync(DashboardPath + "/json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(page, Does.Contain("The report store cannot count reports per hour.").And.Not.Contain("<svg"));
        Assert.That(Rows(page).Single()[1], Is.EqualTo("inline"));
        Assert.That(json.RootElement.GetProperty("hourly").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Trailing_slash_gives_the_same_links()
    {
        await using var app = await StartAsync(await StoreAsync([.. Enumerable.Range(0, 60).Select(i => Report(Now, blocked: $"b{i}"))]));

        var page = await app.GetPageAsync("/");

        Assert.That(page, Does.Contain("<form method=\"get\" action=\"/security/csp-reports\">"));
        Assert.That(page, Does.Contain("href=\"/security/csp-reports?hours=24&amp;page=2\""));
    }

    [Test]
    public void Mapping_without_AddSecurityCsp_fails_with_a_clear_message()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        Assert.That(() => app.MapCspReportDashboard(), Throws.InvalidOperationException.With.Message.Contains("AddSecurityCsp"));
    }

    internal static List<string[]> Rows(string page) =>
        [.. RowRegex().Matches(page).Select(m => CellRegex().Matches(m.Groups[1].Value)
            .Select(c => WebUtility.HtmlDecode(TagRegex().Replace(c.Groups[1].Value, ""))).ToArray())];

    internal static List<(double X, double Height, string Title)> Bars(string page) =>
        [.. BarRegex().Matches(page).Select(m => (
            double.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture),
            WebUtility.HtmlDecode(m.Groups["t"].Value)))];

    [GeneratedRegex("<tr>(<td>.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex RowRegex();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex CellRegex();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagRegex();

    [GeneratedRegex("<rect class=\"bar\" x=\"(?<x>[^\"]+)\" y=\"[^\"]+\" width=\"[^\"]+\" height=\"(?<h>[^\"]+)\"><title>(?<t>[^<]*)</title></rect>")]
    private static partial Regex BarRegex();

    /// <summary>A custom store on a backend that cannot count by hour.</summary>
    private sealed class GroupsOnlyStore : ICspReportStore
    {
        public Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default) =>
            Task.FromResult(new CspReportGroupPage([new CspReportGroup("script-src-elem", "inline", "https://app.example/", 1, Now, Now)], 1));

        public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
            DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("This backend has no hourly counts.");

        public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default) => Task.FromResult(0);
    }
}

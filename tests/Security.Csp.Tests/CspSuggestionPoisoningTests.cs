using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Csp.Tests.Fakes;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// An anonymous attacker forges reports to make the dashboard's suggested policy (text an operator is invited to copy)
/// allow the attacker's hosts, keywords or directives, to merge other sites' reports, to keep credentials, or to flood
/// the store with groups. Real pipeline: the report endpoint, the background writer and the dashboard on one TestServer.
/// </summary>
public sealed class CspSuggestionPoisoningTests
{
    private const string AppPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private const string Page = "https://app.example/shop";

    private static readonly IPAddress[] Clients = [IPAddress.Parse("203.0.113.1"), IPAddress.Parse("198.51.100.2"), IPAddress.Parse("192.0.2.3")];

    [Test]
    public async Task A_directive_injected_into_the_effective_directive_reaches_neither_allow_nor_the_suggested_policy()
    {
        await using var host = await AttackHost.StartAsync();
        var body = Report("img-src;script-src\t'unsafe-inline'", "https://evil.example/x.js");

        await host.PostFromEachAsync(body, Clients);
        using var json = await host.DashboardJsonAsync();

        var group = json.RootElement.GetProperty("groups").EnumerateArray().Single();
        Assert.Multiple(() =>
        {
            Assert.That(group.GetProperty("allow").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(SuggestedPolicy(json), Is.EqualTo(AppPolicy));
        });
    }

    [Test]
    public async Task Forged_reports_from_one_and_two_addresses_give_no_suggestion_and_from_three_a_suggestion_without_forbidden_sources()
    {
        await using var host = await AttackHost.StartAsync();
        var body = Report("img-src", "https://cdn.attacker.example/pixel.png");

        await host.PostFromEachAsync(body, Clients[..1]);
        using var one = await host.DashboardJsonAsync();
        await host.PostFromEachAsync(body, Clients[1..2]);
        using var two = await host.DashboardJsonAsync();
        await host.PostFromEachAsync(body, Clients[2..]);
        using var three = await host.DashboardJsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(SuggestedPolicy(one), Is.EqualTo(AppPolicy), "one address");
            Assert.That(SuggestedPolicy(two), Is.EqualTo(AppPolicy), "two addresses");
            Assert.That(SuggestedPolicy(three), Does.Contain("img-src 'self' https://cdn.attacker.example;"), "three addresses");
        });
    }

    [TestCase("script-src-elem", "https://attacker.example/a.js")]
    [TestCase("script-src-elem", "https://cdn.jsdelivr.net/npm/angular@1.8.3/angular.min.js")]
    [TestCase("frame-ancestors", "https://attacker.example/")]
    [TestCase("base-uri", "https://attacker.example/")]
    [TestCase("form-action", "https://attacker.example/collect")]
    [TestCase("object-src", "https://attacker.example/x.swf")]
    [TestCase("worker-src", "https://attacker.example/w.js")]
    [TestCase("img-src", "data")]
    [TestCase("img-src", "blob")]
    [TestCase("img-src", "*")]
    [TestCase("img-src", "https:")]
    [TestCase("img-src", "'unsafe-inline'")]
    [TestCase("script-src", "eval")]
    [TestCase("script-src", "inline")]
    public async Task Reports_from_three_addresses_never_widen_a_dangerous_directive_nor_add_a_forbidden_source(string directive, string blocked)
    {
        await using var host = await AttackHost.StartAsync();

        await host.PostFromEachAsync(Report(directive, blocked), Clients);
        using var json = await host.DashboardJsonAsync();

        Assert.That(SuggestedPolicy(json), Is.EqualTo(AppPolicy));
    }

    [Test]
    public async Task A_known_script_gadget_host_is_flagged_in_the_advice()
    {
        await using var host = await AttackHost.StartAsync();

        await host.PostFromEachAsync(Report("script-src-elem", "https://cdn.jsdelivr.net/npm/angular@1.8.3/angular.min.js"), Clients);
        using var json = await host.DashboardJsonAsync();

        var group = json.RootElement.GetProperty("groups").EnumerateArray().Single();
        Assert.That(group.GetProperty("allow").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(group.GetProperty("advice").GetString(), Does.Contain("cdn.jsdelivr.net").And.Contain("gadget"));
    }

    [Test]
    public async Task A_report_from_another_site_is_dropped_and_counted_as_foreign_document()
    {
        await using var host = await AttackHost.StartAsync();
        using var rejected = new MetricCollector<long>(host.App.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.rejected");
        var foreign = Report("img-src", "https://cdn.attacker.example/pixel.png", document: "https://other-site.example/");

        var statuses = new List<int>();
        foreach (var client in Clients)
        {
            statuses.Add((await host.PostAsync(foreign, client)).Response.StatusCode);
        }

        // One report of the app's own page after them: once it is saved, the writer has seen everything before it.
        await host.PostFromEachAsync(Report("img-src", "https://img.example/a.png"), Clients[..1], alreadySaved: 0);
        using var json = await host.DashboardJsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.All.EqualTo(StatusCodes.Status204NoContent), "the sender learns nothing");
            Assert.That(host.Store.Inner.Snapshot().Select(r => r.DocumentUri), Is.EqualTo(new[] { Page }));
            Assert.That(rejected.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], "foreign_document")).Sum(m => m.Value), Is.EqualTo(3));
            Assert.That(SuggestedPolicy(json), Does.Not.Contain("attacker"));
        });
    }

    [Test]
    public async Task A_report_from_a_configured_origin_of_the_app_counts()
    {
        await using var host = await AttackHost.StartAsync(configure: o => o.Reports.AppOrigins = ["https://www.app.example:8443"]);

        await host.PostFromEachAsync(Report("img-src", "https://img.example/a.png", document: "https://www.app.example:8443/shop"), Clients);
        using var json = await host.DashboardJsonAsync();

        Assert.That(SuggestedPolicy(json), Does.Contain("img-src 'self' https://img.example;"));
    }

    [Test]
    public async Task User_info_is_cut_from_every_url_before_it_is_stored_or_logged()
    {
        await using var host = await AttackHost.StartAsync();
        const string Body = """
            {"csp-report": {"document-uri": "https://alice:pw1@app.example/shop?x=1", "referrer": "https://bob:pw2@ref.example/",
              "blocked-uri": "https://u:p@h.example/x?q=1", "effective-directive": "img-src", "source-file": "https://carol@app.example/a.js"}}
            """;

        await host.PostFromEachAsync(Body, Clients[..1]);

        var report = host.Store.Inner.Snapshot().Single();
        var logs = host.App.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(new[] { report.DocumentUri, report.Referrer, report.BlockedUri, report.SourceFile },
                Is.EqualTo(new[] { "https://app.example/shop", "https://ref.example/", "https://h.example/x", "https://app.example/a.js" }));
            Assert.That(logs.Where(r => r.Message.Contains("pw", StringComparison.Ordinal) || r.Message.Contains("u:p@", StringComparison.Ordinal)), Is.Empty);
        });
    }

    [Test]
    public async Task A_flood_of_new_groups_from_1000_addresses_stops_at_the_ceiling_and_the_dashboard_says_so()
    {
        await using var host = await AttackHost.StartAsync(capacity: 100_000);
        const int Addresses = 1000;
        const int PerRequest = 11;

        for (var i = 0; i < Addresses; i++)
        {
            var client = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
            var body = "[" + string.Join(",", Enumerable.Range(0, PerRequest).Select(j =>
                $$$"""{"type":"csp-violation","url":"{{{Page}}}","body":{"documentURL":"{{{Page}}}","effectiveDirective":"img-src","blockedURL":"https://h{{{i}}}-{{{j}}}.example/p.png"}}""")) + "]";
            Assert.That((await host.PostAsync(body, client, "application/reports+json")).Response.StatusCode, Is.EqualTo(StatusCodes.Status204NoContent));
        }

        await host.Store.WaitForAsync(Addresses * PerRequest);
        using var json = await host.DashboardJsonAsync();
        var page = await host.DashboardPageAsync();

        Assert.Multiple(() =>
        {
            Assert.That(host.Store.Inner.GroupCount, Is.LessThanOrEqualTo(10_000 + 1), "the ceiling, and one group for the rest");
            Assert.That(json.RootElement.GetProperty("hourly").EnumerateArray().Sum(h => h.GetProperty("count").GetInt64()), Is.EqualTo(Addresses * PerRequest), "every report still counts");
            Assert.That(json.RootElement.GetProperty("groupCeilingReached").GetBoolean(), Is.True);
            Assert.That(page, Does.Contain("ceiling"));
        });
    }

    private static string Report(string directive, string blocked, string document = Page) =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["csp-report"] = new Dictionary<string, string>
            {
                ["document-uri"] = document,
                ["blocked-uri"] = blocked,
                ["effective-directive"] = directive,
                ["violated-directive"] = directive,
                ["disposition"] = "enforce",
            },
        });

    private static string? SuggestedPolicy(JsonDocument json) => json.RootElement.GetProperty("suggestedPolicy").GetString();

    /// <summary>The report endpoint and the dashboard over an in-memory store, at a fixed time, reached as <c>https://app.example</c>.</summary>
    private sealed class AttackHost : IAsyncDisposable
    {
        private int _posted;

        private AttackHost(TestApp app, SignallingCspReportStore store)
        {
            App = app;
            Store = store;
        }

        public TestApp App { get; }

        public SignallingCspReportStore Store { get; }

        public static async Task<AttackHost> StartAsync(int capacity = InMemoryCspReportStore.DefaultCapacity, Action<SecurityCspOptions>? configure = null)
        {
            var store = new SignallingCspReportStore(new InMemoryCspReportStore(capacity));
            var app = await CspTestHost.StartAsync(
                s =>
                {
                    s.TryAddSingleton<ICspReportStore>(store);
                    s.AddSingleton<TimeProvider>(new FakeTimeProvider(DashboardTestHost.Now));
                    s.AddSecurityCsp(o =>
                    {
                        o.PolicyString = AppPolicy;
                        o.Reports.RetryDelay = TimeSpan.Zero;
                        o.Reports.QueueCapacity = 100_000;
                        configure?.Invoke(o);
                    });
                },
                a =>
                {
                    a.MapCspReports("/csp-report");
                    a.MapCspReportDashboard(DashboardTestHost.DashboardPath);
                });
            return new AttackHost(app, store);
        }

        public Task<HttpContext> PostAsync(string body, IPAddress client, string contentType = "application/csp-report")
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            return App.Server.SendAsync(c =>
            {
                c.Request.Method = "POST";
                c.Request.Scheme = "https";
                c.Request.Host = new HostString("app.example");
                c.Request.Path = "/csp-report";
                c.Request.ContentType = contentType;
                c.Request.ContentLength = bytes.Length;
                c.Request.Body = new MemoryStream(bytes);
                c.Connection.RemoteIpAddress = client;
            });
        }

        /// <summary>Posts the body once from each client and waits until the writer has saved them.</summary>
        public async Task PostFromEachAsync(string body, IPAddress[] clients, int? alreadySaved = null)
        {
            foreach (var client in clients)
            {
                Assert.That((await PostAsync(body, client)).Response.StatusCode, Is.EqualTo(StatusCodes.Status204NoContent));
            }

            _posted = (alreadySaved ?? _posted) + clients.Length;
            await Store.WaitForAsync(_posted);
        }

        public async Task<JsonDocument> DashboardJsonAsync() => JsonDocument.Parse(await GetAsync(DashboardTestHost.DashboardPath + "/json"));

        public Task<string> DashboardPageAsync() => GetAsync(DashboardTestHost.DashboardPath);

        public ValueTask DisposeAsync() => App.DisposeAsync();

        private async Task<string> GetAsync(string path)
        {
            var context = await App.Server.SendAsync(c =>
            {
                c.Request.Method = "GET";
                c.Request.Scheme = "https";
                c.Request.Host = new HostString("app.example");
                c.Request.Path = path;
                c.Connection.RemoteIpAddress = IPAddress.Loopback;
            });
            Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
            using var reader = new StreamReader(context.Response.Body);
            return await reader.ReadToEndAsync();
        }
    }
}

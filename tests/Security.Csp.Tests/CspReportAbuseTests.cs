using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Security.Abstractions;
using static Security.Csp.Tests.DashboardTestHost;

namespace Security.Csp.Tests;

/// <summary>What an attacker on the internet tries against the report endpoint and the dashboard.</summary>
public sealed class CspReportAbuseTests
{
    private static readonly IPAddress ClientA = IPAddress.Parse("203.0.113.10");
    private static readonly IPAddress ClientB = IPAddress.Parse("198.51.100.20");

    [TestCase("""{"csp-report":{"blocked-uri":"\ud800"}}""", TestName = "A_lone_high_surrogate_escape_gets_400_and_no_error_log")]
    [TestCase("""{"csp-report":{"blocked-uri":"\udc00x"}}""", TestName = "A_lone_low_surrogate_escape_gets_400_and_no_error_log")]
    [TestCase("""{"csp-report":{"document-uri":"https://a.example/","line-number":"\ud800"}}""", TestName = "A_lone_surrogate_in_a_number_field_gets_400_and_no_error_log")]
    [TestCase("""[{"type":"\ud800","body":{}}]""", TestName = "A_lone_surrogate_in_a_report_type_gets_400_and_no_error_log")]
    public async Task Lone_surrogate_escapes_get_400_and_no_error_log(string body)
    {
        await using var app = await CspReportTestHost.StartAsync();

        var status = await SendAsync(app, Encoding.UTF8.GetBytes(body), body.StartsWith('[') ? "application/reports+json" : "application/csp-report");

        Assert.That(status, Is.EqualTo(StatusCodes.Status400BadRequest));
        AssertNoErrorLogged(app);
    }

    [TestCase(new byte[] { 0xC3, 0x28 }, TestName = "Invalid_utf8_in_a_field_gets_400_and_no_error_log")]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "A_utf8_encoded_surrogate_gets_400_and_no_error_log")]
    [TestCase(new byte[] { 0xFF }, TestName = "A_byte_that_is_never_utf8_gets_400_and_no_error_log")]
    [TestCase(new byte[] { 0xF0, 0x9F, 0x98 }, TestName = "A_truncated_utf8_sequence_gets_400_and_no_error_log")]
    public async Task Invalid_utf8_gets_400_and_no_error_log(byte[] bad)
    {
        await using var app = await CspReportTestHost.StartAsync();
        byte[] body = [.. "{\"csp-report\":{\"blocked-uri\":\"x"u8, .. bad, .. "\"}}"u8];

        var status = await SendAsync(app, body, "application/csp-report");

        Assert.That(status, Is.EqualTo(StatusCodes.Status400BadRequest));
        AssertNoErrorLogged(app);
    }

    [TestCase("""[1,"two",null,[3]]""")]
    [TestCase("""[]""")]
    [TestCase("""[{"type":"deprecation","body":{}}]""")]
    [TestCase("""[{"type":"csp-violation"}]""")]
    [TestCase("""[{"type":"csp-violation","body":"text"}]""")]
    public async Task A_reporting_api_array_without_a_csp_violation_object_gets_400(string body)
    {
        await using var app = await CspReportTestHost.StartAsync();

        Assert.That(await app.PostStatusAsync(body, "application/reports+json"), Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await app.StopAndReadStoreAsync(), Is.Empty);
    }

    [Test]
    public async Task One_body_of_1000_reports_stores_at_most_100_and_counts_the_rest_as_dropped()
    {
        // A thousand reports that each name their page are a little over the default 64 KiB.
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.MaxBodySize = 128 * 1024);
        using var dropped = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.dropped");
        // Each report blocks another path, so no store can fold them into one group.
        var body = "[" + string.Join(",", Enumerable.Range(0, 1000).Select(i => $$$"""{"type":"csp-violation","url":"https://app.example/","body":{"blockedURL":"/{{{i}}}"}}""")) + "]";
        Assert.That(Encoding.UTF8.GetByteCount(body), Is.LessThan(128 * 1024), "the body fits the size limit");

        var status = await app.PostStatusAsync(body, "application/reports+json");
        var stored = await app.StopAndReadStoreAsync();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(stored, Has.Count.EqualTo(100));
        Assert.That(stored.Select(r => r.BlockedUri), Is.EquivalentTo(Enumerable.Range(0, 100).Select(i => $"/{i}")), "the first 100 of the body");
        Assert.That(dropped.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(900));
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Id == 3010), Is.EqualTo(100), "one warning per report taken, none for the rest");
    }

    [Test]
    public async Task A_flooding_client_gets_429_with_Retry_After_while_another_client_still_gets_204()
    {
        // The default 100 requests, in a window long enough that no slow machine reaches its end during the test.
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.RateLimit.Window = TimeSpan.FromHours(1));
        using var received = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.received");
        var body = Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport);

        var statuses = new List<int>();
        for (var i = 0; i < 100; i++)
        {
            statuses.Add(await SendAsync(app, body, "application/csp-report", ClientA));
        }

        var flooded = await SendContextAsync(app, body, "application/csp-report", ClientA);
        var other = await SendAsync(app, body, "application/csp-report", ClientB);

        Assert.That(statuses, Is.All.EqualTo(StatusCodes.Status204NoContent), "100 requests a window are allowed");
        Assert.That(flooded.Response.StatusCode, Is.EqualTo(StatusCodes.Status429TooManyRequests));
        Assert.That(int.TryParse(flooded.Response.Headers.RetryAfter.ToString(), out var seconds) && seconds is > 0 and <= 3600, Is.True,
            $"Retry-After is a number of seconds within the window: '{flooded.Response.Headers.RetryAfter}'");
        Assert.That(other, Is.EqualTo(StatusCodes.Status204NoContent));
        Assert.That(received.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(101), "100 from the flooding client, 1 from the other");
    }

    [Test]
    public void The_limits_are_on_by_default_with_the_documented_numbers()
    {
        var options = new SecurityCspOptions().Reports;

        Assert.Multiple(() =>
        {
            Assert.That(options.RateLimit.Enabled, Is.True);
            Assert.That(options.RateLimit.PermitLimit, Is.EqualTo(100));
            Assert.That(options.RateLimit.Window, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(options.MaxReportsPerRequest, Is.EqualTo(100));
            Assert.That(options.KeepQueryStrings, Is.False);
        });
    }

    [Test]
    public async Task Rate_limited_requests_are_counted_and_the_limit_is_configurable()
    {
        await using var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.RateLimit.PermitLimit = 3;
            o.Reports.RateLimit.Window = TimeSpan.FromHours(1);
        });
        using var rejected = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.rejected");
        var body = Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport);

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await SendAsync(app, body, "application/csp-report", ClientA));
        }

        var last = await SendContextAsync(app, body, "application/csp-report", ClientA);

        Assert.That(statuses, Is.EqualTo(new[] { 204, 204, 204, 429, 429 }));
        Assert.That(int.Parse(last.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), Is.InRange(1, 3600));
        Assert.That(rejected.GetMeasurementSnapshot().Count(m => Equals(m.Tags["reason"], "rate_limited")), Is.EqualTo(3));
    }

    [Test]
    public async Task Addresses_of_one_ipv6_64_network_share_a_limit_and_other_networks_do_not()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.RateLimit.PermitLimit = 2);
        var body = Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport);

        var first = await SendAsync(app, body, "application/csp-report", IPAddress.Parse("2001:db8:1:2::1"));
        var second = await SendAsync(app, body, "application/csp-report", IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        var third = await SendAsync(app, body, "application/csp-report", IPAddress.Parse("2001:db8:1:2:1234::9"));
        var otherNetwork = await SendAsync(app, body, "application/csp-report", IPAddress.Parse("2001:db8:1:3::1"));
        var ipv4 = await SendAsync(app, body, "application/csp-report", IPAddress.Parse("192.0.2.1"));
        var otherIpv4 = await SendAsync(app, body, "application/csp-report", IPAddress.Parse("192.0.2.2"));

        Assert.That(new[] { first, second, third, otherNetwork, ipv4, otherIpv4 }, Is.EqualTo(new[] { 204, 204, 429, 204, 204, 204 }));
    }

    [Test]
    public async Task The_rate_limit_can_be_switched_off()
    {
        await using var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.RateLimit.Enabled = false;
            o.Reports.RateLimit.PermitLimit = 1;
        });
        var body = Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport);

        var statuses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(await SendAsync(app, body, "application/csp-report", ClientA));
        }

        Assert.That(statuses, Is.All.EqualTo(204));
    }

    [Test]
    public async Task The_per_request_limit_is_configurable()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.MaxReportsPerRequest = 2);
        var body = "[" + string.Join(",", Enumerable.Repeat("""{"type":"csp-violation","url":"https://app.example/","body":{"blockedURL":"inline"}}""", 5)) + "]";

        Assert.That(await app.PostStatusAsync(body, "application/reports+json"), Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await app.StopAndReadStoreAsync(), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Query_strings_are_kept_when_KeepQueryStrings_is_set()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.KeepQueryStrings = true);

        await app.PostStatusAsync("""{"csp-report": {"document-uri": "https://app.example/search?q=x#top", "blocked-uri": "https://cdn.example/a.js?v=2"}}""");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(report.DocumentUri, Is.EqualTo("https://app.example/search?q=x#top"));
        Assert.That(report.BlockedUri, Is.EqualTo("https://cdn.example/a.js?v=2"));
    }

    [Test]
    public async Task Query_strings_are_cut_from_reporting_api_reports_too()
    {
        await using var app = await CspReportTestHost.StartAsync();

        await app.PostStatusAsync(
            """[{"type":"csp-violation","url":"https://app.example/cb?code=SECRET","body":{"blockedURL":"wss://live.example/s?t=SECRET","referrer":"https://a.example/?x=SECRET","sourceFile":"https://app.example/a.js#SECRET"}}]""",
            "application/reports+json");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(new[] { report.DocumentUri, report.BlockedUri, report.Referrer, report.SourceFile },
            Is.EqualTo(new[] { "https://app.example/cb", "wss://live.example/s", "https://a.example/", "https://app.example/a.js" }));
    }

    [Test]
    public async Task Query_strings_and_fragments_reach_neither_the_store_nor_the_log()
    {
        await using var app = await CspReportTestHost.StartAsync();
        const string Body = """
            {"csp-report": {"document-uri": "https://app.example/reset?token=SECRET1#access_token=SECRET2",
              "referrer": "https://login.example/cb?code=SECRET3", "blocked-uri": "https://cdn.example/x.js?sig=SECRET4",
              "effective-directive": "script-src-elem", "source-file": "https://app.example/app.js?session=SECRET5#L1"}}
            """;

        Assert.That(await app.PostStatusAsync(Body), Is.EqualTo(HttpStatusCode.NoContent));
        var report = (await app.StopAndReadStoreAsync()).Single();
        var logs = app.Services.GetFakeLogCollector().GetSnapshot();

        Assert.Multiple(() =>
        {
            Assert.That(report.DocumentUri, Is.EqualTo("https://app.example/reset"));
            Assert.That(report.Referrer, Is.EqualTo("https://login.example/cb"));
            Assert.That(report.BlockedUri, Is.EqualTo("https://cdn.example/x.js"));
            Assert.That(report.SourceFile, Is.EqualTo("https://app.example/app.js"));
            Assert.That(logs.Where(r => r.Message.Contains("SECRET", StringComparison.Ordinal)), Is.Empty);
            Assert.That(logs.Where(r => r.StructuredState?.Any(s => s.Value?.Contains("SECRET", StringComparison.Ordinal) == true) == true), Is.Empty);
        });
    }

    [TestCase("inline")]
    [TestCase("eval")]
    [TestCase("wasm-eval")]
    [TestCase("data")]
    [TestCase("blob")]
    [TestCase("data:image/png;base64,iVBORw0KGgo=#frag?x")]
    [TestCase("blob:https://app.example/5f0b8c1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")]
    [TestCase("trusted-types-sink")]
    public async Task Values_that_are_not_urls_with_an_authority_are_kept_intact(string blocked)
    {
        await using var app = await CspReportTestHost.StartAsync();

        await app.PostStatusAsync($$$"""{"csp-report": {"document-uri": "https://app.example/", "blocked-uri": "{{{blocked}}}"}}""");

        Assert.That((await app.StopAndReadStoreAsync()).Single().BlockedUri, Is.EqualTo(blocked));
    }

    [Test]
    public async Task Control_characters_in_report_values_are_escaped_in_the_log()
    {
        await using var app = await CspReportTestHost.StartAsync();
        const string Body = """
            {"csp-report": {"document-uri": "https://app.example/\r\nwarn: forged line", "blocked-uri": "inline\u001b[31m\u0085",
              "effective-directive": "script-src\n", "violated-directive": "script-src\r", "disposition": "enforce\u0000",
              "source-file": "https://app.example/a.js\u2028x"}}
            """;

        Assert.That(await app.PostStatusAsync(Body), Is.EqualTo(HttpStatusCode.NoContent));
        var record = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3010);

        Assert.Multiple(() =>
        {
            Assert.That(record.Message.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029'), Is.False, record.Message);
            Assert.That(record.Message, Does.Contain(@"https://app.example/\r\nwarn: forged line"));
            Assert.That(record.Message, Does.Contain(@"inline\u001B[31m\u0085"));
            Assert.That(record.GetStructuredStateValue("DocumentUri"), Is.EqualTo(@"https://app.example/\r\nwarn: forged line"));
            Assert.That(record.StructuredState!.Where(s => s.Value?.Any(char.IsControl) == true), Is.Empty);
        });
    }

    [Test]
    public async Task A_backslash_in_a_report_value_cannot_pass_for_an_escaped_line_break_in_the_log()
    {
        await using var app = await CspReportTestHost.StartAsync();
        // JSON "\\r\\n" is the text backslash-r backslash-n, not CR LF: it must not read like an escaped real line break.
        const string Body = """{"csp-report": {"document-uri": "https://app.example/a\\r\\nwarn: forged", "effective-directive": "img-src"}}""";

        Assert.That(await app.PostStatusAsync(Body), Is.EqualTo(HttpStatusCode.NoContent));
        var record = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3010);

        Assert.That(record.GetStructuredStateValue("DocumentUri"), Is.EqualTo(@"https://app.example/a\\r\\nwarn: forged"));
    }

    [TestCase("")]
    [TestCase("/json")]
    public async Task Dashboard_without_a_policy_answers_403_to_a_remote_client(string suffix)
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)));

        var context = await GetFromAsync(app, DashboardPath + suffix, ClientA);

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status403Forbidden));
        Assert.That(ReadBody(context), Does.Not.Contain("app.example"));
    }

    [TestCase("127.0.0.1")]
    [TestCase("127.10.0.1")]
    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    public async Task Dashboard_without_a_policy_answers_a_loopback_client(string address)
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)));

        var context = await GetFromAsync(app, DashboardPath, IPAddress.Parse(address));

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
    }

    [TestCase("X-Forwarded-For")]
    [TestCase("CF-Connecting-IP")]
    [TestCase("True-Client-IP")]
    [TestCase("X-Client-IP")]
    [TestCase("X-Original-Forwarded-For")]
    [TestCase("X-ProxyUser-Ip")]
    public async Task Dashboard_without_a_policy_answers_403_to_a_loopback_request_forwarded_by_a_proxy(string header)
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)));

        var context = await GetFromAsync(app, DashboardPath, IPAddress.Loopback, c => c.Request.Headers[header] = "203.0.113.10");

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status403Forbidden));
    }

    [Test]
    public async Task Dashboard_without_a_policy_logs_one_startup_warning()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)));

        var warnings = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0].Message, Does.Contain(DashboardPath).And.Contain("RequireAuthorization"));
    }

    [Test]
    public async Task Dashboard_with_RequireAuthorization_lets_the_policy_decide_for_a_remote_client_and_logs_no_warning()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)), protect: d => d.RequireAuthorization(p => p.RequireRole("Admin")));

        var anonymous = await GetFromAsync(app, DashboardPath, ClientA);
        var admin = await GetFromAsync(app, DashboardPath, ClientA, c =>
        {
            c.Request.Headers["X-Test-User"] = "alice";
            c.Request.Headers["X-Test-Roles"] = "Admin";
        });
        var loopbackAnonymous = await GetFromAsync(app, DashboardPath, IPAddress.Loopback);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Response.StatusCode, Is.EqualTo(StatusCodes.Status401Unauthorized));
            Assert.That(admin.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
            Assert.That(loopbackAnonymous.Response.StatusCode, Is.EqualTo(StatusCodes.Status401Unauthorized), "the policy, not the address, decides");
            Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning), Is.Empty);
        });
    }

    [Test]
    public async Task Dashboard_with_AllowAnonymous_is_open_to_a_remote_client()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)), protect: d => d.AllowAnonymous());

        var context = await GetFromAsync(app, DashboardPath + "/json", ClientA);

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task Dashboard_inside_a_group_that_requires_authorization_is_protected_by_that_group()
    {
        await using var app = await CspTestHost.StartAsync(
            s =>
            {
                s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self()));
                s.AddAuthentication();
                s.AddAuthorization();
            },
            a =>
            {
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapGroup("/admin").RequireAuthorization(p => p.RequireAssertion(_ => true)).MapCspReportDashboard("/csp");
            });

        var context = await GetFromAsync(app, "/admin/csp", ClientA);

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK), "the group's policy lets everyone in, so no loopback gate applies");
    }

    internal static async Task<int> SendAsync(Security.Testing.TestApp app, byte[] body, string contentType, IPAddress? client = null) =>
        (await SendContextAsync(app, body, contentType, client)).Response.StatusCode;

    internal static Task<HttpContext> SendContextAsync(Security.Testing.TestApp app, byte[] body, string contentType, IPAddress? client = null) =>
        app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/csp-report";
            c.Request.ContentType = contentType;
            c.Request.ContentLength = body.Length;
            c.Request.Body = new MemoryStream(body);
            c.Connection.RemoteIpAddress = client;
        });

    private static Task<HttpContext> GetFromAsync(Security.Testing.TestApp app, string path, IPAddress client, Action<HttpContext>? configure = null) =>
        app.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Path = path;
            c.Connection.RemoteIpAddress = client;
            configure?.Invoke(c);
        });

    private static string ReadBody(HttpContext context)
    {
        using var reader = new StreamReader(context.Response.Body);
        return reader.ReadToEnd();
    }

    private static void AssertNoErrorLogged(Security.Testing.TestApp app) =>
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error), Is.Empty);
}

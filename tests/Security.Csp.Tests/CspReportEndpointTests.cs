using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using System.Diagnostics.Metrics;
using Security.Abstractions;

namespace Security.Csp.Tests;

public sealed class CspReportEndpointTests
{
    [Test]
    public async Task Legacy_report_is_accepted_with_204_and_stored_with_every_field()
    {
        await using var app = await CspReportTestHost.StartAsync();

        using var response = await app.PostAsync(CspReportTestHost.LegacyReport);
        var stored = await app.StopAndReadStoreAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var report = stored.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.DocumentUri, Is.EqualTo("https://app.example/page"));
            Assert.That(report.Referrer, Is.EqualTo("https://ref.example/"));
            Assert.That(report.BlockedUri, Is.EqualTo("https://evil.example/x.js"));
            Assert.That(report.ViolatedDirective, Is.EqualTo("script-src-elem 'self'"));
            Assert.That(report.EffectiveDirective, Is.EqualTo("script-src-elem"));
            Assert.That(report.OriginalPolicy, Is.EqualTo("script-src 'self'; report-uri /csp-report"));
            Assert.That(report.Disposition, Is.EqualTo("enforce"));
            Assert.That(report.SourceFile, Is.EqualTo("https://app.example/app.js"));
            Assert.That(report.LineNumber, Is.EqualTo(12));
            Assert.That(report.ColumnNumber, Is.EqualTo(7));
            Assert.That(report.Sample, Is.EqualTo("alert(1)"));
            Assert.That(report.StatusCode, Is.EqualTo(200));
            Assert.That(report.ReceivedAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-1)));
            Assert.That(report.Id, Is.GreaterThan(0));
        });
    }

    [Test]
    public async Task Reporting_api_array_is_accepted_and_other_report_types_are_ignored()
    {
        await using var app = await CspReportTestHost.StartAsync();

        var status = await app.PostStatusAsync(CspReportTestHost.ReportingApiReport, "application/reports+json");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.Multiple(() =>
        {
            Assert.That(report.DocumentUri, Is.EqualTo("https://app.example/page"));
            Assert.That(report.BlockedUri, Is.EqualTo("inline"));
            Assert.That(report.EffectiveDirective, Is.EqualTo("script-src-elem"));
            Assert.That(report.OriginalPolicy, Is.EqualTo("script-src 'self'; report-to csp-endpoint"));
            Assert.That(report.LineNumber, Is.EqualTo(3));
            Assert.That(report.ColumnNumber, Is.EqualTo(9));
            Assert.That(report.StatusCode, Is.EqualTo(200));
        });
    }

    [Test]
    public async Task Application_json_with_a_csp_report_object_is_accepted()
    {
        await using var app = await CspReportTestHost.StartAsync();

        Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport, "application/json"), Is.EqualTo(HttpStatusCode.NoContent));
    }

    [TestCase("application/csp-report; charset=utf-8")]
    [TestCase("Application/CSP-Report")]
    [TestCase("application/json;charset=UTF-8")]
    public async Task Content_type_is_compared_without_parameters_and_ignoring_case(string contentType)
    {
        await using var app = await CspReportTestHost.StartAsync();

        Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport, contentType), Is.EqualTo(HttpStatusCode.NoContent));
    }

    [TestCase("GET")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task Other_methods_get_405_with_Allow_POST(string method)
    {
        await using var app = await CspReportTestHost.StartAsync();

        using var response = await app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/csp-report"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.Allow, Is.EqualTo(new[] { "POST" }));
    }

    [TestCase("text/plain")]
    [TestCase("application/x-www-form-urlencoded")]
    [TestCase("application/jsonp")]
    public async Task Other_content_types_get_415(string contentType)
    {
        await using var app = await CspReportTestHost.StartAsync();

        Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport, contentType), Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Missing_content_type_gets_415()
    {
        await using var app = await CspReportTestHost.StartAsync();

        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport));
        using var response = await app.Client.PostAsync("/csp-report", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [TestCase("not json at all")]
    [TestCase("{\"csp-report\": {\"document-uri\": \"https://a.example/\"")]
    [TestCase("{\"csp-report\": {\"document-uri\": \"https://a.example/\"}} trailing")]
    [TestCase("")]
    [TestCase("{}")]
    [TestCase("{\"report\": {}}")]
    [TestCase("{\"csp-report\": \"a string\"}")]
    [TestCase("{\"csp-report\": null}")]
    [TestCase("42")]
    [TestCase("\"csp-report\"")]
    public async Task Malformed_json_or_a_missing_report_gets_400(string body)
    {
        await using var app = await CspReportTestHost.StartAsync();

        Assert.That(await app.PostStatusAsync(body), Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Deeply_nested_json_gets_400()
    {
        await using var app = await CspReportTestHost.StartAsync();
        var deep = "{\"csp-report\": {\"x\": " + new string('[', 5000) + new string(']', 5000) + "}}";

        Assert.That(await app.PostStatusAsync(deep), Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Report_larger_than_64_KiB_is_rejected_with_413()
    {
        await using var app = await CspReportTestHost.StartAsync();
        var big = "{\"csp-report\": {\"document-uri\": \"" + new string('a', 64 * 1024) + "\"}}";

        Assert.That(await app.PostStatusAsync(big), Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Report_larger_than_the_limit_without_Content_Length_is_rejected_with_413_while_reading()
    {
        await using var app = await CspReportTestHost.StartAsync();
        var big = "{\"csp-report\": {\"document-uri\": \"" + new string('a', 200 * 1024) + "\"}}";

        using var content = new CspReportTestHost.ChunkedContent(big, "application/csp-report");
        Assert.That(content.Headers.ContentLength, Is.Null, "the request must carry no Content-Length");
        using var response = await app.Client.PostAsync("/csp-report", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Chunked_report_under_the_limit_is_accepted()
    {
        await using var app = await CspReportTestHost.StartAsync();

        using var content = new CspReportTestHost.ChunkedContent(CspReportTestHost.LegacyReport, "application/csp-report");
        using var response = await app.Client.PostAsync("/csp-report", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Body_limit_is_configurable()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.MaxBodySize = 100);

        Assert.That(await app.PostStatusAsync(CspReportTestHost.LegacyReport), Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Body_shorter_than_its_Content_Length_gets_400()
    {
        await using var app = await CspReportTestHost.StartAsync();
        var half = Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport[..(CspReportTestHost.LegacyReport.Length / 2)]);

        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/csp-report";
            c.Request.ContentType = "application/csp-report";
            c.Request.ContentLength = half.Length * 2;
            c.Request.Body = new MemoryStream(half);
        });

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status400BadRequest));
    }

    [Test]
    public async Task Numbers_sent_as_strings_are_read()
    {
        await using var app = await CspReportTestHost.StartAsync();

        await app.PostStatusAsync("""{"csp-report": {"document-uri": "https://a.example/", "line-number": "41", "column-number": "x", "status-code": "404"}}""");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(report.LineNumber, Is.EqualTo(41));
        Assert.That(report.ColumnNumber, Is.Null);
        Assert.That(report.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Missing_effective_directive_is_taken_from_the_first_token_of_the_violated_directive()
    {
        await using var app = await CspReportTestHost.StartAsync();

        await app.PostStatusAsync("""{"csp-report": {"document-uri": "https://a.example/", "violated-directive": "img-src 'self' data:"}}""");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(report.EffectiveDirective, Is.EqualTo("img-src"));
    }

    [Test]
    public async Task Values_longer_than_their_column_are_truncated_not_rejected()
    {
        await using var app = await CspReportTestHost.StartAsync();

        var status = await app.PostStatusAsync("{\"csp-report\": {\"document-uri\": \"https://a.example/" + new string('p', 5000) + "\", \"blocked-uri\": \"" + new string('b', 3000) + "\"}}");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(report.DocumentUri, Has.Length.EqualTo(CspReport.MaxUriLength));
        Assert.That(report.BlockedUri, Has.Length.EqualTo(CspReport.MaxUriLength));
    }

    [Test]
    public async Task Wrong_value_types_do_not_fail_the_report()
    {
        await using var app = await CspReportTestHost.StartAsync();

        var status = await app.PostStatusAsync("""{"csp-report": {"document-uri": "https://a.example/", "referrer": {"a": 1}, "blocked-uri": ["x"], "line-number": 1e40, "disposition": true}}""");
        var report = (await app.StopAndReadStoreAsync()).Single();

        Assert.That(status, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(report.Referrer, Is.Null);
        Assert.That(report.BlockedUri, Is.Null);
        Assert.That(report.LineNumber, Is.Null);
        Assert.That(report.Disposition, Is.EqualTo("true"));
    }

    [Test]
    public async Task Random_bodies_never_get_a_500()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.RateLimit.Enabled = false);
        var random = new Random(1234);
        var fragments = new[] { "{", "}", "[", "]", "\"csp-report\"", ":", ",", "\"type\"", "\"csp-violation\"", "\"body\"", "1", "\"\\u0000\"", "null", "\uFFFF", "\\" };

        for (var i = 0; i < 200; i++)
        {
            var body = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => fragments[random.Next(fragments.Length)]));
            var contentType = i % 2 == 0 ? "application/csp-report" : "application/reports+json";
            var status = (int)await app.PostStatusAsync(body, contentType);
            Assert.That(status, Is.AnyOf(204, 400), body);
        }
    }

    [Test]
    public async Task Endpoint_is_exempt_from_antiforgery_and_authorization_and_sends_no_csp()
    {
        await using var app = await CspReportTestHost.StartAsync();
        var endpoint = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Single(e => e.DisplayName == "CSP violation reports");

        Assert.That(endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Antiforgery.IAntiforgeryMetadata>()?.RequiresValidation, Is.False);
        Assert.That(endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>(), Is.Not.Null);
        Assert.That(endpoint.Metadata.GetMetadata<IDisableCspMetadata>(), Is.Not.Null);
    }

    [Test]
    public async Task Each_report_is_logged_as_a_warning_with_sender_ip_and_user_agent()
    {
        await using var app = await CspReportTestHost.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/csp-report") { Content = new StringContent(CspReportTestHost.LegacyReport, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/csp-report");
        request.Headers.UserAgent.ParseAdd("TestBrowser/1.0");
        using var response = await app.Client.SendAsync(request);

        var record = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3010);
        Assert.Multiple(() =>
        {
            Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(record.Category, Does.StartWith("Security.Csp"));
            Assert.That(record.Message, Does.StartWith("Content Security Policy violation"));
            Assert.That(record.Message, Does.Contain("https://evil.example/x.js").And.Contain("script-src-elem"));
            Assert.That(record.GetStructuredStateValue("UserAgent"), Is.EqualTo("TestBrowser/1.0"));
        });
    }

    [Test]
    public async Task Sender_ip_and_user_agent_can_be_left_out_of_the_log()
    {
        await using var app = await CspReportTestHost.StartAsync(o =>
        {
            o.Reports.LogSenderIp = false;
            o.Reports.LogUserAgent = false;
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/csp-report") { Content = new StringContent(CspReportTestHost.LegacyReport, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/csp-report");
        request.Headers.UserAgent.ParseAdd("TestBrowser/1.0");
        using var response = await app.Client.SendAsync(request);

        var record = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3010);
        Assert.That(record.GetStructuredStateValue("UserAgent"), Is.Null);
        Assert.That(record.GetStructuredStateValue("SenderIp"), Is.Null);
        Assert.That(record.Message, Does.Not.Contain("TestBrowser"));
    }

    [Test]
    public async Task Logging_can_be_switched_off()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.LogReports = false);

        await app.PostStatusAsync(CspReportTestHost.LegacyReport);

        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 3010), Is.Empty);
    }

    [Test]
    public async Task Accepted_reports_are_counted_as_received()
    {
        await using var app = await CspReportTestHost.StartAsync();
        using var received = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), SecurityTelemetry.MeterName, "security.csp.reports.received");

        await app.PostStatusAsync(CspReportTestHost.LegacyReport);
        await app.PostStatusAsync(CspReportTestHost.ReportingApiReport, "application/reports+json");
        await app.PostStatusAsync("{}");

        Assert.That(received.GetMeasurementSnapshot().EvaluateAsCounter(), Is.EqualTo(2));
    }

    [Test]
    public void MapCspReports_without_AddSecurityCsp_says_what_is_missing()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => CspTestHost.StartAsync(_ => { }, a => a.MapCspReports()));

        Assert.That(ex!.Message, Does.Contain("AddSecurityCsp"));
    }

    [Test]
    public void Invalid_report_options_fail_at_startup_validation()
    {
        var ex = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => CspReportTestHost.StartAsync(o => o.Reports.BatchSize = 0));

        Assert.That(ex!.Failures, Has.Some.StartsWith("Security:Csp:Reports:BatchSize: "));
    }
}

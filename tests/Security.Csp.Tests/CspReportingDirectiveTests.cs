using Microsoft.AspNetCore.Builder;
using Security.Testing;

namespace Security.Csp.Tests;

public sealed class CspReportingDirectiveTests
{
    private static Task<TestApp> StartAsync(Action<SecurityCspOptions>? extra = null) =>
        CspTestHost.StartWithPageAsync(o =>
        {
            o.UsePolicy(p => p.DefaultSrc().Self());
            o.ReportUri = "/csp-report";
            o.ReportToEndpoint = "/csp-report";
            extra?.Invoke(o);
        });

    [Test]
    public async Task Https_response_gets_report_uri_report_to_and_Reporting_Endpoints()
    {
        await using var app = await StartAsync();

        using var response = await app.ClientAt("https://localhost/").GetAsync("/");

        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'; report-uri /csp-report; report-to csp-endpoint"));
        Assert.That(response.Headers.GetValues("Reporting-Endpoints").Single(), Is.EqualTo("csp-endpoint=\"/csp-report\""));
    }

    [Test]
    public async Task Http_response_keeps_report_uri_only_because_Chromium_sends_nothing_otherwise()
    {
        await using var app = await StartAsync();

        using var response = await app.ClientAt("http://localhost/").GetAsync("/");

        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'; report-uri /csp-report"));
        Assert.That(response.Headers.Contains("Reporting-Endpoints"), Is.False);
    }

    [Test]
    public async Task Report_to_on_http_can_be_switched_on()
    {
        await using var app = await StartAsync(o => o.ReportToHttpsOnly = false);

        using var response = await app.ClientAt("http://localhost/").GetAsync("/");

        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'; report-uri /csp-report; report-to csp-endpoint"));
        Assert.That(response.Headers.GetValues("Reporting-Endpoints").Single(), Is.EqualTo("csp-endpoint=\"/csp-report\""));
    }

    [Test]
    public async Task Zero_percent_sampling_never_sends_reporting_directives()
    {
        await using var app = await StartAsync(o => o.ReportSamplingPercentage = 0);

        for (var i = 0; i < 20; i++)
        {
            using var response = await app.ClientAt("https://localhost/").GetAsync("/");
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
            Assert.That(response.Headers.Contains("Reporting-Endpoints"), Is.False);
        }
    }

    [Test]
    public async Task Partial_sampling_sends_reporting_directives_on_some_responses_only()
    {
        await using var app = await StartAsync(o => o.ReportSamplingPercentage = 50);

        var seen = new HashSet<string>();
        for (var i = 0; i < 200; i++)
        {
            seen.Add((await app.GetCspAsync())!);
        }

        // The chance of missing either value in 200 fair draws is 2 * 2^-200.
        Assert.That(seen, Is.EquivalentTo(new[] { "default-src 'self'", "default-src 'self'; report-uri /csp-report" }));
    }

    [Test]
    public async Task Report_directives_written_in_the_policy_follow_the_same_rules()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """
            {"Security": {"Csp": {"Policy": {"default-src": ["self"], "report-to": ["main"], "report-uri": ["https://r.example/c"]}}}}
            """);

        using var https = await app.ClientAt("https://localhost/").GetAsync("/");
        using var http = await app.ClientAt("http://localhost/").GetAsync("/");

        Assert.That(https.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'; report-to main; report-uri https://r.example/c"));
        Assert.That(http.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'; report-uri https://r.example/c"));
    }

    [Test]
    public async Task Sample_app_settings_give_the_documented_headers()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """
            {"Security": {"Csp": {
              "Policy": {"default-src": ["self"], "script-src": ["self"], "style-src": ["self"], "img-src": ["self", "data:"],
                         "object-src": ["none"], "base-uri": ["self"], "form-action": ["self"], "frame-ancestors": ["none"]},
              "Nonce": {"Enabled": true},
              "ReportUri": "/csp-report",
              "ReportToEndpoint": "/csp-report"}}}
            """);

        using var http = await app.ClientAt("http://localhost/").GetAsync("/nonced");
        using var https = await app.ClientAt("https://localhost/").GetAsync("/nonced");

        Assert.That(http.Headers.GetValues("Content-Security-Policy").Single(), Does.Match(
            "^base-uri 'self'; default-src 'self'; form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; " +
            "script-src 'self' 'nonce-([^']+)'; style-src 'self' 'nonce-\\1'; report-uri /csp-report$"));
        Assert.That(https.Headers.GetValues("Content-Security-Policy").Single(), Does.EndWith("; report-uri /csp-report; report-to csp-endpoint"));
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Security.Abstractions;
using Security.Testing;

namespace Security.IntegrationTests.Browser;

/// <summary>
/// Chromium's own CSP violation reports from /csp-demo reach /csp-report in both formats and are
/// stored in PostgreSQL through Security.Persistence.
/// </summary>
[NonParallelizable]
public class CspReportBrowserTests : BrowserFixture
{
    private PostgresDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await PostgresServer.CreateDatabaseAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task Report_uri_reports_from_an_http_page_are_stored_in_PostgreSQL()
    {
        await using var app = new SampleApp(PostgresSettings());
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(app.Url("/csp-demo").ToString());

        var groups = await WaitForDemoReportsAsync(app, directives: 2);
        Assert.That(app.ReportContentTypes, Has.Some.StartsWith("application/csp-report"), "legacy report-uri format over http");
        Assert.That(app.ReportContentTypes, Has.None.StartsWith("application/reports+json"));
        Assert.That(groups.Select(g => g.BlockedUri), Has.Some.EqualTo("inline"));
        Assert.That(groups.Select(g => g.BlockedUri), Has.Some.Contains("blocked.example.net"));
    }

    [Test]
    public async Task Reporting_API_reports_from_an_https_page_are_stored_in_PostgreSQL()
    {
        using var certificate = TestCertificate.Create();
        await using var app = new SampleApp(PostgresSettings(), httpsCertificate: certificate);
        await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(app.Url("/csp-demo").ToString());
        Assert.That(await response!.HeaderValueAsync("reporting-endpoints"), Is.Not.Null, "report-to is sent on HTTPS responses");

        var groups = await WaitForDemoReportsAsync(app, directives: 2, scheme: "https");
        Assert.That(app.ReportContentTypes, Has.Some.StartsWith("application/reports+json"), "Reporting API format over https");
        Assert.That(groups.Select(g => g.EffectiveDirective), Has.Some.StartsWith("script-src"));
        Assert.That(groups.Select(g => g.EffectiveDirective), Has.Some.StartsWith("img-src"));
    }

    private Dictionary<string, string?> PostgresSettings() => new()
    {
        ["Security:Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Security"] = _database.ConnectionString,
    };

    // Reports are written by a background writer: poll the store (PostgreSQL) until they land.
    private static async Task<IReadOnlyList<CspReportGroup>> WaitForDemoReportsAsync(SampleApp app, int directives, string scheme = "http")
    {
        var store = app.Services.GetRequiredService<ICspReportStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await store.QueryGroupsAsync(new CspReportQuery { Take = 100 });
            var demo = page.Groups.Where(g => g.DocumentUri is { } uri && uri.StartsWith(scheme + "://", StringComparison.Ordinal) && uri.Contains("/csp-demo", StringComparison.Ordinal)).ToList();
            if (demo.Select(g => g.EffectiveDirective).Distinct().Count() >= directives || DateTime.UtcNow > deadline)
            {
                Assert.That(demo.Select(g => g.EffectiveDirective).Distinct().Count(), Is.GreaterThanOrEqualTo(directives),
                    $"reports stored within 30 s; content types seen: {string.Join(", ", app.ReportContentTypes)}");
                return demo;
            }

            await Task.Delay(200);
        }
    }
}

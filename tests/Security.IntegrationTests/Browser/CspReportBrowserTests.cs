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
        // One browser is one client address: the suggested policy asks for three by default.
        var settings = PostgresSettings();
        settings["Security:Csp:Reports:SuggestionMinClients"] = "1";
        await using var app = new SampleApp(settings);
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(app.Url("/csp-demo").ToString());

        var groups = await WaitForDemoReportsAsync(app, directives: 2);
        Assert.That(app.ReportContentTypes, Has.Some.StartsWith("application/csp-report"), "legacy report-uri format over http");
        Assert.That(app.ReportContentTypes, Has.None.StartsWith("application/reports+json"));
        Assert.That(groups.Select(g => g.BlockedUri), Has.Some.EqualTo("inline"));
        Assert.That(groups.Select(g => g.BlockedUri), Has.Some.Contains("blocked.example.net"));

        // The dashboard, read through the page as an admin sees it.
        await page.GotoAsync(app.Url("/security/csp-reports").ToString());
        await LoginBrowserTests.SignInAsync(page, "admin", "Admin-pass-1");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/security/csp-reports"));
        var rows = await ReadDashboardRowsAsync(page);
        Assert.That(rows, Has.Some.Matches<string[]>(r => r[1] == "inline" && r[2].EndsWith("/csp-demo", StringComparison.Ordinal) && r[0].StartsWith("script-src", StringComparison.Ordinal)));
        Assert.That(rows, Has.Some.Matches<string[]>(r => r[1].Contains("blocked.example.net", StringComparison.Ordinal) && r[0].StartsWith("img-src", StringComparison.Ordinal)));
        await Chromium.ScreenshotAsync(page, "csp-dashboard");

        // What to allow, from the dashboard's JSON with the admin's cookie: the image's origin in the policy's own
        // img-src; for the inline script, advice instead of an allow.
        var json = await context.APIRequest.GetAsync(app.Url("/security/csp-reports/json").ToString());
        Assert.That(json.Status, Is.EqualTo(200));
        using var document = System.Text.Json.JsonDocument.Parse(await json.TextAsync());
        var demo = document.RootElement.GetProperty("groups").EnumerateArray()
            .Where(g => g.GetProperty("documentUri").GetString()!.EndsWith("/csp-demo", StringComparison.Ordinal)).ToList();
        var image = demo.Single(g => g.GetProperty("blockedUri").GetString()!.Contains("blocked.example.net", StringComparison.Ordinal));
        var inline = demo.Single(g => g.GetProperty("blockedUri").GetString() == "inline");
        Assert.That(image.GetProperty("allow").GetString(), Is.EqualTo("img-src https://blocked.example.net"));
        Assert.That(image.GetProperty("advice").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        Assert.That(inline.GetProperty("allow").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
        Assert.That(inline.GetProperty("advice").GetString(), Does.Contain("nonce").And.Contain("hash"));
        Assert.That(document.RootElement.GetProperty("suggestedPolicy").GetString(), Does.Contain("img-src 'self' data: https://blocked.example.net"));
        Assert.That(await page.Locator("#suggested-policy").InputValueAsync(), Does.Contain("https://blocked.example.net"));
    }

    [Test]
    public async Task A_report_containing_HTML_shows_as_text_on_the_dashboard()
    {
        const string Payload = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">";
        await using var app = new SampleApp(PostgresSettings());
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var report = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["csp-report"] = new Dictionary<string, string>
            {
                // On the app's own host: a report about another site's page is dropped.
                ["document-uri"] = app.Url("/") + Payload,
                ["blocked-uri"] = Payload,
                ["violated-directive"] = "script-src-elem",
            },
        });
        using var posted = await client.PostAsync("/csp-report", new StringContent(report, System.Text.Encoding.UTF8, "application/csp-report"));
        Assert.That((int)posted.StatusCode, Is.EqualTo(204));
        await WaitForAsync(app, Payload);

        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Url("/security/csp-reports").ToString());
        await LoginBrowserTests.SignInAsync(page, "admin", "Admin-pass-1");

        var rows = await ReadDashboardRowsAsync(page);
        Assert.That(rows, Has.Some.Matches<string[]>(r => r[1] == Payload), "the blocked URI reads as the text the attacker sent");
        Assert.That(await page.Locator("table script, table img").CountAsync(), Is.Zero, "no element was made from the report");
        Assert.That(await page.EvaluateAsync<bool>("() => window.pwned === undefined"), Is.True);
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

    private static async Task<List<string[]>> ReadDashboardRowsAsync(IPage page)
    {
        var rows = new List<string[]>();
        foreach (var row in await page.Locator("table tbody tr").AllAsync())
        {
            rows.Add([.. await row.Locator("td").AllTextContentsAsync()]);
        }

        return rows;
    }

    private static async Task WaitForAsync(SampleApp app, string blockedUri)
    {
        await WaitForSavedAsync(app, saved => saved.Any(r => r.BlockedUri == blockedUri), "the report was stored within 30 s");
        var store = app.Services.GetRequiredService<ICspReportStore>();
        Assert.That((await store.QueryGroupsAsync(new CspReportQuery { Take = 100 })).Groups.Any(g => g.BlockedUri == blockedUri), "the report is in the store");
    }

    // Reports are written by a background writer: await the writer saving them (PostgreSQL), then read the store.
    private static async Task<IReadOnlyList<CspReportGroup>> WaitForDemoReportsAsync(SampleApp app, int directives, string scheme = "http")
    {
        bool IsDemo(string? documentUri) =>
            documentUri is { } uri && uri.StartsWith(scheme + "://", StringComparison.Ordinal) && uri.Contains("/csp-demo", StringComparison.Ordinal);

        await WaitForSavedAsync(
            app,
            saved => saved.Where(r => IsDemo(r.DocumentUri)).Select(r => r.EffectiveDirective).Distinct().Count() >= directives,
            $"reports stored within 30 s; content types seen: {string.Join(", ", app.ReportContentTypes)}");
        var store = app.Services.GetRequiredService<ICspReportStore>();
        var page = await store.QueryGroupsAsync(new CspReportQuery { Take = 100 });
        var demo = page.Groups.Where(g => IsDemo(g.DocumentUri)).ToList();
        Assert.That(demo.Select(g => g.EffectiveDirective).Distinct().Count(), Is.GreaterThanOrEqualTo(directives),
            $"reports stored; content types seen: {string.Join(", ", app.ReportContentTypes)}");
        return demo;
    }

    /// <summary>Reads the reports the app saves, as the browser sends them, until <paramref name="enough"/> holds.</summary>
    private static async Task WaitForSavedAsync(SampleApp app, Func<IReadOnlyList<CspReport>, bool> enough, string failure)
    {
        var saved = new List<CspReport>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (!enough(saved))
            {
                saved.Add(await app.SavedReports.ReadAsync(timeout.Token));
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail(failure);
        }
    }
}

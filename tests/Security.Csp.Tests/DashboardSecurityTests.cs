using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using static Security.Csp.Tests.DashboardTestHost;

namespace Security.Csp.Tests;

public sealed partial class DashboardSecurityTests
{
    private const string Attack = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>";

    private static readonly string[] Fields = ["document", "blocked", "directive", "sample"];

    [TestCaseSource(nameof(Fields))]
    public async Task Html_in_a_report_field_renders_as_text(string field)
    {
        var report = Report(Now) with
        {
            DocumentUri = field == "document" ? "https://app.example/" + Attack : "https://app.example/",
            BlockedUri = field == "blocked" ? Attack : "inline",
            EffectiveDirective = field == "directive" ? Attack : "script-src-elem",
            ViolatedDirective = field == "directive" ? Attack : "script-src-elem 'self'",
            Sample = field == "sample" ? Attack : "alert(1)",
        };
        await using var app = await StartAsync(await StoreAsync(report));

        var page = await app.GetPageAsync();

        Assert.Multiple(() =>
        {
            Assert.That(page, Does.Not.Contain("<script").IgnoreCase);
            Assert.That(page, Does.Not.Contain("<img").IgnoreCase);
            if (field != "sample")
            {
                // The sample is not part of a group, so it is not shown at all.
                Assert.That(page, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"));
                Assert.That(DashboardPageTests.Rows(page).Single(), Has.Some.Contains(Attack));
            }
        });
    }

    [Test]
    public async Task A_directive_with_html_is_encoded_in_the_filter_link_and_the_form()
    {
        var report = Report(Now) with { EffectiveDirective = Attack };
        await using var app = await StartAsync(await StoreAsync(report));

        var page = await app.GetPageAsync("?directive=" + Uri.EscapeDataString(Attack));

        Assert.That(page, Does.Not.Contain("<script").IgnoreCase);
        Assert.That(page, Does.Contain("value=\"&quot;&#x27;&gt;&lt;script&gt;"));
        Assert.That(DashboardPageTests.Rows(page).Single()[0], Is.EqualTo(Attack));
        var link = WebUtility.HtmlDecode(LinkRegex().Match(page).Groups[1].Value);
        Assert.That(link, Does.StartWith("/security/csp-reports?hours=24&directive="));
        Assert.That(link.IndexOfAny(['"', '\'', '<', '>', ' ']), Is.EqualTo(-1), link);
        Assert.That(Uri.UnescapeDataString(link["/security/csp-reports?hours=24&directive=".Length..]), Is.EqualTo(Attack));
    }

    [Test]
    public async Task Json_escapes_html_in_report_values()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now) with { BlockedUri = Attack }));

        var json = await app.Client.GetStringAsync(DashboardPath + "/json");

        Assert.That(json, Does.Not.Contain("<script"));
        Assert.That(System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("groups")[0].GetProperty("blockedUri").GetString(), Is.EqualTo(Attack));
    }

    [TestCase("?hours=0", "hours")]
    [TestCase("?hours=721", "hours")]
    [TestCase("?hours=abc", "hours")]
    [TestCase("?hours=-1", "hours")]
    [TestCase("?hours=+5", "hours")]
    [TestCase("?hours=1&hours=2", "hours")]
    [TestCase("?hours=99999999999999", "hours")]
    [TestCase("?page=0", "page")]
    [TestCase("?page=x", "page")]
    [TestCase("?page=1000001", "page")]
    [TestCase("?directive=a&directive=b", "directive")]
    public async Task Bad_query_values_are_rejected_with_400_naming_the_parameter(string query, string parameter)
    {
        await using var app = await StartAsync(new InMemoryCspReportStore());

        foreach (var path in new[] { DashboardPath, DashboardPath + "/json" })
        {
            using var response = await app.Client.GetAsync(path + query);
            var body = await response.Content.ReadAsStringAsync();

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), path + query);
            Assert.That(body, Does.StartWith(parameter + " "));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        }
    }

    [Test]
    public async Task A_directive_longer_than_a_stored_one_is_rejected_with_400()
    {
        await using var app = await StartAsync(new InMemoryCspReportStore());

        using var response = await app.Client.GetAsync(DashboardPath + "?directive=" + new string('a', CspReport.MaxUriLength + 1));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("directive may be at most 1000 characters."));
    }

    [Test]
    public async Task Empty_parameters_mean_the_defaults()
    {
        await using var app = await StartAsync(await StoreAsync(Report(Now)));

        var page = await app.GetPageAsync("?hours=&directive=&page=");

        Assert.That(page, Does.Contain("<option value=\"24\" selected>"));
        Assert.That(DashboardPageTests.Rows(page), Has.Count.EqualTo(1));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Page_sends_its_own_strict_csp_that_allows_its_style_and_no_script(bool appUsesCspMiddleware)
    {
        await using var app = await StartAsync(
            await StoreAsync(Report(Now)),
            o => o.UsePolicy(p =>
            {
                p.DefaultSrc().Self();
                p.ScriptSrc().Self().WithNonce();
            }),
            useCspMiddleware: appUsesCspMiddleware);

        using var response = await app.Client.GetAsync(DashboardPath);
        var page = await response.Content.ReadAsStringAsync();
        var csp = response.Headers.GetValues("Content-Security-Policy").ToList();

        var style = StyleRegex().Match(page).Groups[1].Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
        Assert.Multiple(() =>
        {
            Assert.That(csp, Has.Count.EqualTo(1), "one policy: the app's is not added");
            Assert.That(csp[0], Is.EqualTo(
                $"default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"));
            Assert.That(csp[0], Does.Not.Contain("script-src").And.Not.Contain("unsafe"));
            Assert.That(response.Headers.Contains("Content-Security-Policy-Report-Only"), Is.False);
            Assert.That(page, Does.Not.Contain("<script").And.Not.Contain(" style=\"").And.Not.Contain(" nonce=\""));
            Assert.That(StyleRegex().Matches(page), Has.Count.EqualTo(1));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/html; charset=utf-8"));
        });
    }

    [Test]
    public async Task Other_endpoints_keep_the_app_policy()
    {
        await using var app = await CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self())),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapCspReportDashboard().AllowAnonymous();
                a.MapGet("/", () => "page");
            });

        Assert.That(await app.GetCspAsync("/"), Is.EqualTo("default-src 'self'"));
        Assert.That(await app.GetCspAsync(DashboardPath + "/json"), Is.EqualTo("default-src 'none'; base-uri 'none'; frame-ancestors 'none'"));
    }

    [TestCase("")]
    [TestCase("/json")]
    public async Task Require_authorization_protects_the_page_and_its_json(string suffix)
    {
        await using var app = await StartAsync(
            await StoreAsync(Report(Now)), protect: d => d.RequireAuthorization(p => p.RequireRole("Admin")));

        async Task<HttpStatusCode> GetAsAsync(string? user, string roles = "")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, DashboardPath + suffix);
            if (user is not null)
            {
                request.Headers.Add("X-Test-User", user);
                request.Headers.Add("X-Test-Roles", roles);
            }

            using var response = await app.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.That(await GetAsAsync(null), Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await GetAsAsync("bob", "User"), Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await GetAsAsync("alice", "User,Admin"), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Only_get_is_mapped()
    {
        await using var app = await StartAsync(new InMemoryCspReportStore());

        using var response = await app.Client.PostAsync(DashboardPath, new StringContent(""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleRegex();

    [GeneratedRegex("<td><a href=\"([^\"]*)\">")]
    private static partial Regex LinkRegex();
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Headers.Tests;

/// <summary>
/// Every spelling that routing sends to one endpoint gets the same path rules: an attacker (or a
/// mistyped link) must not make a confidential page cacheable by changing case.
/// </summary>
public sealed class HeadersPathSpellingTests
{
    private const string NoStore = "no-cache, no-store, max-age=0, must-revalidate";

    // The same spellings in every package's path test: lower, upper, mixed case, trailing slash,
    // under PathBase, percent-encoded letters that the server decodes before routing.
    private static readonly string[] Spellings =
    [
        "/account/login",
        "/ACCOUNT/LOGIN",
        "/Account/Login",
        "/account/login/",
        "/app/Account/Login",
        "/account/%4Cogin",
    ];

    private static Task<TestApp> StartAsync(Action<SecurityHeadersOptions> configure) => TestHost.StartAsync(
        services => services.AddSecurityHeaders(configure),
        app =>
        {
            app.UsePathBase("/app");
            app.UseSecurityHeaders();
            app.UseRouting();
            app.MapGet("/account/login", (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=60";
                return "login page";
            });
        });

    [TestCaseSource(nameof(Spellings))]
    public async Task Blacklisted_page_is_confidential_framing_exclusion_and_clear_site_data_apply_in_every_spelling(string path)
    {
        await using var app = await StartAsync(o =>
        {
            o.NoConfidentialCaching.BlacklistEnabled = true;
            o.NoConfidentialCaching.BlacklistPaths.Add("account/");
            o.FrameOptionsExcludePaths.Add("^/account/login/?$");
            o.ClearSiteData.Paths.Add("/account/login");
        });

        using var response = await app.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "routing reaches the page");
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("login page"));
        Assert.That(response.Header("Cache-Control"), Is.EqualTo(NoStore));
        Assert.That(response.Header("X-Frame-Options"), Is.Null);
        Assert.That(response.Header("Clear-Site-Data"), Is.EqualTo("\"cookies\", \"storage\""));
    }

    [TestCaseSource(nameof(Spellings))]
    public async Task Whitelisted_page_is_cacheable_in_every_spelling(string path)
    {
        await using var app = await StartAsync(o =>
        {
            o.NoConfidentialCaching.WhitelistEnabled = true;
            o.NoConfidentialCaching.WhitelistPaths.Add("account/login/?$");
        });

        using var response = await app.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Header("Cache-Control"), Is.EqualTo("public, max-age=60"));
    }

    [Test]
    public async Task Exemptions_that_end_mid_word_get_one_startup_warning_each()
    {
        await using var host = await HeadersHost.StartAsync(o =>
        {
            o.FrameOptionsExcludePaths.Add("^/embed");
            o.FrameOptionsExcludePaths.Add("^/widget/$");
            o.NoConfidentialCaching.WhitelistEnabled = true;
            o.NoConfidentialCaching.WhitelistPaths.Add("health");
            o.NoConfidentialCaching.WhitelistPaths.Add("static/");
        });
        await host.Client.GetAsync("/");

        var warnings = host.Logs.Entries.Where(e => e.EventId.Name == "ExemptionOverMatches").Select(e => e.Message).ToList();
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "A path pattern matches more paths than it names: Security:Headers:FrameOptionsExcludePaths[0] '^/embed' also exempts '/embed-admin'; end it with '$' or '(/|$)'.",
            "A path pattern matches more paths than it names: Security:Headers:NoConfidentialCaching:WhitelistPaths[0] 'health' also exempts '/health-admin'; end it with '$' or '(/|$)'.",
        }));
    }
}

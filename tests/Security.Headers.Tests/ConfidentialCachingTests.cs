using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Security.Headers.Tests;

public sealed class ConfidentialCachingTests
{
    private const string NoStore = "no-cache, no-store, max-age=0, must-revalidate";

    private static bool IsConfidential(HttpResponseMessage response) =>
        response.Header("Cache-Control") == NoStore && response.Header("Pragma") == "no-cache" && response.Header("Expires") == "-1";

    private static Action<WebApplication> AnyPath(string cacheControl = "public, max-age=60") =>
        app => app.MapGet("/{**rest}", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = cacheControl;
            return "page";
        });

    [Test]
    public async Task Nothing_is_confidential_by_default()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: AnyPath());
        using var response = await host.GetAsync("/account/");
        Assert.That(response.Header("Cache-Control"), Is.EqualTo("public, max-age=60"));
        Assert.That(response.Header("Pragma"), Is.Null);
    }

    [TestCase("/", true)]
    [TestCase("/account/profile", true)]
    [TestCase("/static/site.css", false)]
    [TestCase("/public", false)]
    [TestCase("/public/", false)]
    [TestCase("/publicity", true)]
    public async Task Whitelist_mode_makes_every_path_confidential_except_the_listed(string path, bool confidential)
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.NoConfidentialCaching.WhitelistEnabled = true;
                o.NoConfidentialCaching.WhitelistPaths.Add("static/");
                o.NoConfidentialCaching.WhitelistPaths.Add("public/?$");
            },
            endpoints: AnyPath());
        using var response = await host.GetAsync(path);
        Assert.That(IsConfidential(response), Is.EqualTo(confidential), response.Header("Cache-Control"));
    }

    [TestCase("/", false)]
    [TestCase("/account/profile", true)]
    [TestCase("/accounts", false)]
    [TestCase("/api/account/", false)]
    [TestCase("/admin", true)]
    public async Task Blacklist_mode_makes_only_the_listed_paths_confidential(string path, bool confidential)
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.NoConfidentialCaching.BlacklistEnabled = true;
                o.NoConfidentialCaching.BlacklistPaths.Add("account/");
                o.NoConfidentialCaching.BlacklistPaths.Add("admin");
            },
            endpoints: AnyPath());
        using var response = await host.GetAsync(path);
        Assert.That(IsConfidential(response), Is.EqualTo(confidential), response.Header("Cache-Control"));
    }

    // Both modes on: confidential when the whitelist does not match, or when the blacklist matches.
    [TestCase("/static/site.css", false)]
    [TestCase("/static/secret/key", true)]
    [TestCase("/home", true)]
    public async Task Whitelist_and_blacklist_together_make_a_path_confidential_when_either_says_so(string path, bool confidential)
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.NoConfidentialCaching.WhitelistEnabled = true;
                o.NoConfidentialCaching.WhitelistPaths.Add("static/");
                o.NoConfidentialCaching.BlacklistEnabled = true;
                o.NoConfidentialCaching.BlacklistPaths.Add("static/secret/");
            },
            endpoints: AnyPath());
        using var response = await host.GetAsync(path);
        Assert.That(IsConfidential(response), Is.EqualTo(confidential), response.Header("Cache-Control"));
    }

    [Test]
    public async Task Lists_are_ignored_while_their_switch_is_off()
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.NoConfidentialCaching.WhitelistPaths.Add("static/");
                o.NoConfidentialCaching.BlacklistPaths.Add("account/");
            },
            endpoints: AnyPath());
        using var home = await host.GetAsync("/home");
        using var account = await host.GetAsync("/account/");
        Assert.That(IsConfidential(home), Is.False);
        Assert.That(IsConfidential(account), Is.False);
    }

    [Test]
    public async Task Confidential_response_overwrites_what_the_app_set()
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.NoConfidentialCaching.BlacklistEnabled = true;
                o.NoConfidentialCaching.BlacklistPaths.Add("account/");
            },
            endpoints: app => app.MapGet("/account/", (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "public, max-age=3600";
                context.Response.Headers.Pragma = "cache";
                context.Response.Headers.Expires = "Thu, 01 Jan 2099 00:00:00 GMT";
                return "account";
            }));
        using var response = await host.GetAsync("/account/");
        Assert.That(response.Header("Cache-Control"), Is.EqualTo(NoStore));
        Assert.That(response.Header("Pragma"), Is.EqualTo("no-cache"));
        Assert.That(response.Header("Expires"), Is.EqualTo("-1"));
    }

    [Test]
    public async Task Endpoint_convention_and_attribute_mark_a_single_endpoint_confidential()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app =>
        {
            app.MapGet("/secret", () => "secret").Confidential();
            app.MapGet("/attribute", [Confidential] () => "secret");
            app.MapGroup("/account").Confidential().MapGet("/profile", () => "profile");
            app.MapGet("/open", () => "open");
        });
        foreach (var path in new[] { "/secret", "/attribute", "/account/profile" })
        {
            using var response = await host.GetAsync(path);
            Assert.That(IsConfidential(response), Is.True, path);
        }

        using var open = await host.GetAsync("/open");
        Assert.That(IsConfidential(open), Is.False);
    }

    [Test]
    public async Task Error_page_of_a_confidential_path_stays_confidential()
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.NoConfidentialCaching.BlacklistEnabled = true;
                o.NoConfidentialCaching.BlacklistPaths.Add("account/");
            },
            pipeline: app => app.UseExceptionHandler("/error"),
            endpoints: app =>
            {
                app.MapGet("/account/crash", string () => throw new InvalidOperationException("boom"));
                app.MapGet("/error", (HttpContext context) =>
                {
                    context.Response.Headers.CacheControl = "public, max-age=600";
                    return Results.Text("sorry", statusCode: 500);
                });
            });
        using var response = await host.GetAsync("/account/crash");
        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        Assert.That(IsConfidential(response), Is.True, response.Header("Cache-Control"));
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Profiling.Tests;

public sealed class ProfilesPageTests
{
    private static readonly ActivitySource Source = new("Tests.Page");

    // An app-chosen activity name reaches the page: it must be encoded like any value.
    private static string Hostile()
    {
        using var activity = Source.StartActivity("<script>alert(1)</script>");
        return "ok";
    }

    private static Task<(Security.Testing.TestApp App, CapturedLogs Logs)> StartAsync(Action<SecurityProfilingOptions>? configure = null) =>
        ProfilingHost.StartAsync(
            app =>
            {
                app.MapGet("/hostile/{*rest}", Hostile);
                app.MapGet("/{*rest}", () => "ok");
                app.MapSecurityProfiles();
            },
            configure);

    [Test]
    public async Task Local_caller_sees_the_latest_profiles_with_every_value_encoded()
    {
        var (app, _) = await StartAsync();
        await using var __ = app;
        await app.SendAsync("/first");
        await app.SendAsync("/hostile/a&b'c");

        var page = await app.SendAsync("/_profiles", profile: false);

        Assert.That(page.Response.StatusCode, Is.EqualTo(200));
        Assert.That(page.Response.ContentType, Is.EqualTo("text/html; charset=utf-8"));
        Assert.That(page.Response.Headers.ContentSecurityPolicy.ToString(), Is.EqualTo("default-src 'none'"));
        Assert.That(page.Response.Headers.XContentTypeOptions.ToString(), Is.EqualTo("nosniff"));
        Assert.That(page.Response.Headers.CacheControl.ToString(), Is.EqualTo("no-store"));
        var html = page.Body();
        Assert.That(html, Does.Not.Contain("<script>"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt; [Tests.Page]"));
        Assert.That(html, Does.Contain("GET /hostile/a&amp;b&#x27;c"));
        Assert.That(html.IndexOf("GET /hostile", StringComparison.Ordinal), Is.LessThan(html.IndexOf("GET /first", StringComparison.Ordinal)), "newest first");
    }

    [Test]
    public async Task Remote_caller_gets_404()
    {
        var (app, _) = await StartAsync();
        await using var __ = app;
        await app.SendAsync("/first");

        var page = await app.SendAsync("/_profiles", ProfilingHost.Remote, profile: false);

        Assert.That(page.Response.StatusCode, Is.EqualTo(404));
        Assert.That(page.Body(), Does.Not.Contain("first"));
    }

    [Test]
    public async Task Remote_caller_gets_a_404_problem_when_the_app_has_problem_details()
    {
        var (app, _) = await ProfilingHost.StartAsync(a => a.MapSecurityProfiles(), services: s => s.AddProblemDetails());
        await using var __ = app;

        var page = await app.SendAsync("/_profiles", ProfilingHost.Remote, profile: false);

        Assert.That(page.Response.StatusCode, Is.EqualTo(404));
        Assert.That(page.Response.ContentType, Is.EqualTo("application/problem+json"));
        Assert.That(page.Body(), Does.Contain("\"status\":404"));
    }

    [Test]
    public async Task Page_is_404_while_profiling_is_disabled()
    {
        var (app, _) = await StartAsync(o => o.Enabled = false);
        await using var __ = app;

        var page = await app.SendAsync("/_profiles", profile: false);

        Assert.That(page.Response.StatusCode, Is.EqualTo(404));
    }

    [Test]
    public async Task Only_the_configured_number_of_profiles_is_kept()
    {
        var (app, _) = await StartAsync(o => o.MaxStoredProfiles = 2);
        await using var __ = app;
        await app.SendAsync("/one");
        await app.SendAsync("/two");
        await app.SendAsync("/three");

        var html = (await app.SendAsync("/_profiles", profile: false)).Body();

        Assert.That(html, Does.Contain("Latest profiles (2)"));
        Assert.That(html, Does.Contain("GET /three").And.Contain("GET /two").And.Not.Contain("GET /one"));
    }
}

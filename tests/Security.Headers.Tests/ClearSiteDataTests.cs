using Microsoft.AspNetCore.Builder;

namespace Security.Headers.Tests;

public sealed class ClearSiteDataTests
{
    private static Action<WebApplication> AnyPath => app =>
    {
        app.MapGet("/{**rest}", () => "page");
        app.MapPost("/{**rest}", () => "posted");
    };

    [TestCase("/logout", "\"cookies\", \"storage\"")]
    [TestCase("/account/logout", "\"cookies\", \"storage\"")]
    [TestCase("/logout/", "\"cookies\", \"storage\"")]
    [TestCase("/LOGOUT", "\"cookies\", \"storage\"")]
    [TestCase("/logout/x", null)]
    [TestCase("/logoutx", null)]
    [TestCase("/", null)]
    public async Task Default_directives_are_sent_only_on_paths_in_the_list_ignoring_case_and_a_trailing_slash(string path, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.ClearSiteData.Paths.Add("/logout");
                o.ClearSiteData.Paths.Add("/account/logout");
            },
            endpoints: AnyPath);
        using var response = await host.GetAsync(path);
        Assert.That(response.Header("Clear-Site-Data"), Is.EqualTo(expected));
    }

    [TestCase(new[] { "cache" }, "\"cache\"")]
    [TestCase(new[] { "cache", "cookies", "storage", "executionContexts" }, "\"cache\", \"cookies\", \"storage\", \"executionContexts\"")]
    [TestCase(new[] { "CACHE", "ExecutionContexts" }, "\"cache\", \"executionContexts\"")]
    [TestCase(new[] { "clientHints", "prefetchCache", "prerenderCache" }, "\"clientHints\", \"prefetchCache\", \"prerenderCache\"")]
    [TestCase(new[] { "*" }, "\"*\"")]
    public async Task Configured_directives_are_quoted_and_joined(string[] directives, string expected)
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.ClearSiteData.Paths.Add("/logout");
                foreach (var directive in directives)
                {
                    o.ClearSiteData.Directives.Add(directive);
                }
            },
            endpoints: AnyPath);
        using var response = await host.GetAsync("/logout");
        Assert.That(response.Header("Clear-Site-Data"), Is.EqualTo(expected));
    }

    [Test]
    public async Task Endpoint_convention_sends_it_on_a_logout_post()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app =>
        {
            app.MapPost("/account/logout", () => "bye").ClearSiteData();
            app.MapPost("/account/wipe", () => "bye").ClearSiteData("cache", "cookies");
            app.MapGet("/account/logout", () => "confirm");
        });
        using var logout = await host.Client.PostAsync("/account/logout", null);
        using var wipe = await host.Client.PostAsync("/account/wipe", null);
        using var confirm = await host.GetAsync("/account/logout");
        Assert.That(logout.Header("Clear-Site-Data"), Is.EqualTo("\"cookies\", \"storage\""));
        Assert.That(wipe.Header("Clear-Site-Data"), Is.EqualTo("\"cache\", \"cookies\""));
        Assert.That(confirm.Header("Clear-Site-Data"), Is.Null);
    }

    [Test]
    public async Task Endpoint_attribute_sends_its_directives()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapPost("/logout", [ClearSiteData("storage")] () => "bye"));
        using var response = await host.Client.PostAsync("/logout", null);
        Assert.That(response.Header("Clear-Site-Data"), Is.EqualTo("\"storage\""));
    }

    [TestCase("cookies", "everything")]
    [TestCase("everything")]
    [TestCase("\"cookies\"")]
    public void Unknown_directive_in_the_attribute_is_rejected(params string[] directives)
    {
        var ex = Assert.Throws<ArgumentException>(() => _ = new ClearSiteDataAttribute(directives));
        Assert.That(ex!.Message, Does.Contain(directives[^1]).And.Contain("executionContexts"));
    }
}

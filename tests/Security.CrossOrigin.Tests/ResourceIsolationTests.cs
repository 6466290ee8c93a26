using System.Net;
using Microsoft.AspNetCore.Builder;
using Security.CrossOrigin;

namespace Security.CrossOrigin.Tests;

/// <summary>Resource isolation: cross-site requests other than top-level navigations are refused, for every method.</summary>
public class ResourceIsolationTests
{
    private static Task<CrossOriginHost> IsolatedAsync() => CrossOriginHost.StartAsync(o => o.Mode = CrossOriginProtectionMode.ResourceIsolation);

    [TestCase("no-cors", "script")]
    [TestCase("no-cors", "image")]
    [TestCase("no-cors", "style")]
    [TestCase("cors", "empty")]
    [TestCase("no-cors", "empty")]
    [TestCase("navigate", "object")]
    [TestCase("navigate", "embed")]
    [TestCase("", "")]
    public async Task Cross_site_GET_that_is_not_a_top_level_navigation_is_refused(string mode, string dest)
    {
        await using var host = await IsolatedAsync();

        using var response = await host.SendAsync("GET", "/api/orders", ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", mode), ("Sec-Fetch-Dest", dest));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("HEAD")]
    [TestCase("OPTIONS")]
    public async Task Cross_site_HEAD_and_OPTIONS_outside_navigation_are_refused(string method)
    {
        await using var host = await IsolatedAsync();

        using var response = await host.SendAsync(method, "/api/orders", Browser.CrossSiteScript);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("document")]
    [TestCase("iframe")]
    public async Task Cross_site_navigation_passes(string dest)
    {
        await using var host = await IsolatedAsync();

        using var response = await host.SendAsync("GET", "/api/orders", ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", dest));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Cross_site_navigating_form_post_is_still_refused()
    {
        await using var host = await IsolatedAsync();

        using var response = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteFormPost);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("same-origin")]
    [TestCase("none")]
    public async Task Same_origin_and_user_initiated_requests_pass(string site)
    {
        await using var host = await IsolatedAsync();

        using var response = await host.SendAsync("GET", "/api/orders", ("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "script"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Request_without_Fetch_Metadata_passes()
    {
        await using var host = await IsolatedAsync();

        using var response = await host.SendAsync("GET", "/api/orders");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Same_site_script_include_is_refused_unless_same_site_is_allowed()
    {
        (string, string)[] sameSiteScript = [("Sec-Fetch-Site", "same-site"), ("Sec-Fetch-Mode", "no-cors"), ("Sec-Fetch-Dest", "script")];
        await using var strict = await IsolatedAsync();
        await using var lenient = await CrossOriginHost.StartAsync(o =>
        {
            o.Mode = CrossOriginProtectionMode.ResourceIsolation;
            o.AllowSameSite = true;
        });

        using var refused = await strict.SendAsync("GET", "/api/orders", sameSiteScript);
        using var allowed = await lenient.SendAsync("GET", "/api/orders", sameSiteScript);

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task An_endpoint_opts_into_isolation_in_an_app_that_does_not_isolate()
    {
        await using var host = await CrossOriginHost.StartAsync(endpoints: app =>
        {
            app.MapGet("/api/me", () => "private").WithCrossOriginProtection(CrossOriginProtectionMode.ResourceIsolation);
            app.MapGet("/logo.png", () => "public");
        });

        using var isolated = await host.SendAsync("GET", "/api/me", Browser.CrossSiteScript);
        using var open = await host.SendAsync("GET", "/logo.png", Browser.CrossSiteScript);

        Assert.Multiple(() =>
        {
            Assert.That(isolated.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task An_endpoint_opts_out_of_isolation_with_the_attribute_or_AllowCrossOrigin()
    {
        await using var host = await CrossOriginHost.StartAsync(o => o.Mode = CrossOriginProtectionMode.ResourceIsolation, endpoints: app =>
        {
            app.MapGet("/widget.js", [CrossOriginProtection(CrossOriginProtectionMode.RequestForgery)] () => "widget");
            app.MapPost("/widget/vote", () => "vote");
            app.MapGet("/embed", () => "embed").AllowCrossOrigin();
            app.MapGet("/api/me", () => "private");
        });

        using var widget = await host.SendAsync("GET", "/widget.js", Browser.CrossSiteScript);
        using var vote = await host.SendAsync("POST", "/widget/vote", Browser.CrossSiteNoCorsFetch);
        using var embed = await host.SendAsync("GET", "/embed", Browser.CrossSiteScript);
        using var me = await host.SendAsync("GET", "/api/me", Browser.CrossSiteScript);

        Assert.Multiple(() =>
        {
            Assert.That(widget.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(vote.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "RequestForgery mode still refuses unsafe methods");
            Assert.That(embed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Mode_binds_from_configuration()
    {
        await using var host = await CrossOriginHost.StartAsync(settings: new Dictionary<string, string?> { ["Security:CrossOrigin:Mode"] = "ResourceIsolation" });

        using var response = await host.SendAsync("GET", "/api/orders", Browser.CrossSiteScript);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Headers.Tests;

public sealed class ConfigurationTests
{
    [Test]
    public async Task Options_are_bound_from_the_security_headers_section()
    {
        await using var host = await HeadersHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Security:Headers:FrameOptions"] = "SAMEORIGIN",
            ["Security:Headers:ReferrerPolicy"] = "no-referrer, strict-origin-when-cross-origin",
            ["Security:Headers:CrossOriginEmbedderPolicy"] = "require-corp",
            ["Security:Headers:PermissionsPolicy"] = "camera=(), microphone=()",
            ["Security:Headers:StrictTransportSecurity:MaxAge"] = "2.00:00:00",
            ["Security:Headers:StrictTransportSecurity:IncludeSubDomains"] = "false",
            ["Security:Headers:NoConfidentialCaching:BlacklistEnabled"] = "true",
            ["Security:Headers:NoConfidentialCaching:BlacklistPaths:0"] = "",
            ["Security:Headers:ClearSiteData:Paths:0"] = "/",
            ["Security:Headers:ClearSiteData:Directives:0"] = "cache",
        });
        using var response = await host.GetAsync("https://example.com/");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("SAMEORIGIN"));
            Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("no-referrer, strict-origin-when-cross-origin"));
            Assert.That(response.Header("Cross-Origin-Embedder-Policy"), Is.EqualTo("require-corp"));
            Assert.That(response.Header("Permissions-Policy"), Does.StartWith("camera=(), microphone=(), accelerometer=(), autoplay=()"));
            Assert.That(response.Header("Permissions-Policy"), Does.Contain("cross-origin-isolated=(self)"), "COEP is on, so isolation is not denied");
            Assert.That(response.Header("Strict-Transport-Security"), Is.EqualTo("max-age=172800"));
            Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-cache, no-store, max-age=0, must-revalidate"));
            Assert.That(response.Header("Clear-Site-Data"), Is.EqualTo("\"cache\""));
        }
    }

    [Test]
    public async Task Code_wins_over_configuration()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.ReferrerPolicy = "no-referrer",
            settings: new Dictionary<string, string?>
            {
                ["Security:Headers:ReferrerPolicy"] = "unsafe-url",
                ["Security:Headers:FrameOptions"] = "sameorigin",
            });
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("no-referrer"));
        Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("SAMEORIGIN"));
    }

    [Test]
    public async Task A_bad_configured_value_fixed_in_code_does_not_stop_the_app()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.ReferrerPolicy = "origin",
            settings: new Dictionary<string, string?> { ["Security:Headers:ReferrerPolicy"] = "foo" });
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("origin"));
    }

    [Test]
    public async Task Calling_AddSecurityHeaders_twice_binds_configuration_once_and_applies_both_actions()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.ReferrerPolicy = "origin",
            settings: new Dictionary<string, string?>
            {
                ["Security:Headers:ClearSiteData:Paths:0"] = "/",
                ["Security:Headers:ClearSiteData:Directives:0"] = "cache",
            },
            pipeline: null,
            services: services => services.AddSecurityHeaders(o => o.FrameOptions = "sameorigin"));
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Clear-Site-Data"), Is.EqualTo("\"cache\""));
        Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("origin"));
        Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("SAMEORIGIN"));
    }

    [Test]
    public async Task Lists_from_code_are_added_to_the_configured_ones()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.ClearSiteData.Paths.Add("/logout"),
            endpoints: app => app.MapGet("/{**rest}", () => "page"),
            settings: new Dictionary<string, string?> { ["Security:Headers:ClearSiteData:Paths:0"] = "/signout" });
        using var logout = await host.GetAsync("/logout");
        using var signout = await host.GetAsync("/signout");
        Assert.That(logout.Header("Clear-Site-Data"), Is.Not.Null);
        Assert.That(signout.Header("Clear-Site-Data"), Is.Not.Null);
    }
}

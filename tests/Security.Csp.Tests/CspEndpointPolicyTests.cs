using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Security.Testing;

namespace Security.Csp.Tests;

public sealed class CspEndpointPolicyTests
{
    private static Task<TestApp> StartAsync(Action<WebApplication> map, string? json = null) =>
        CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self()))
                .AddPolicy("api", p => p.DefaultSrc().None())
                .AddPolicy("loose", p => p.DefaultSrc().Self().UnsafeInline(), CspModes.ReportOnly),
            a =>
            {
                a.UseContentSecurityPolicy();
                map(a);
            },
            json);

    [Test]
    public async Task Default_policy_applies_where_no_metadata_says_otherwise()
    {
        await using var app = await StartAsync(a => a.MapGet("/", () => "x"));

        Assert.That(await app.GetCspAsync("/"), Is.EqualTo("default-src 'self'"));
    }

    [Test]
    public async Task RequireCspPolicy_sends_the_named_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/api", () => "x").RequireCspPolicy("api"));

        Assert.That(await app.GetCspAsync("/api"), Is.EqualTo("default-src 'none'"));
    }

    [Test]
    public async Task Named_policy_keeps_its_own_mode()
    {
        await using var app = await StartAsync(a => a.MapGet("/loose", () => "x").RequireCspPolicy("loose"));

        using var response = await app.Client.GetAsync("/loose");
        Assert.That(response.Headers.Contains("Content-Security-Policy"), Is.False);
        Assert.That(response.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo("default-src 'self' 'unsafe-inline'"));
    }

    [Test]
    public async Task DisableCsp_sends_no_header()
    {
        await using var app = await StartAsync(a => a.MapGet("/raw", () => "x").DisableCsp());

        Assert.That(await app.GetCspAsync("/raw"), Is.Null);
    }

    [Test]
    public async Task Attributes_choose_and_disable_policies_like_the_conventions()
    {
        await using var app = await StartAsync(a =>
        {
            a.MapGet("/attr-api", [CspPolicy("api")] () => "x");
            a.MapGet("/attr-off", [DisableCsp] () => "x");
        });

        Assert.That(await app.GetCspAsync("/attr-api"), Is.EqualTo("default-src 'none'"));
        Assert.That(await app.GetCspAsync("/attr-off"), Is.Null);
    }

    [Test]
    public async Task Group_conventions_apply_to_every_endpoint_in_the_group()
    {
        await using var app = await StartAsync(a =>
        {
            var group = a.MapGroup("/v1").RequireCspPolicy("api");
            group.MapGet("/a", () => "x");
            group.MapGet("/b", () => "x").DisableCsp();
        });

        Assert.That(await app.GetCspAsync("/v1/a"), Is.EqualTo("default-src 'none'"));
        Assert.That(await app.GetCspAsync("/v1/b"), Is.Null);
    }

    [Test]
    public async Task Named_policies_bind_from_configuration()
    {
        await using var app = await CspTestHost.StartAsync(
            s => s.AddSecurityCsp(),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/", () => "x").RequireCspPolicy("Embed");
            },
            """{"Security": {"Csp": {"Policy": {"default-src": ["self"]}, "Policies": {"embed": {"Policy": {"frame-ancestors": ["https://partner.example"]}}}}}}""");

        Assert.That(await app.GetCspAsync("/"), Is.EqualTo("frame-ancestors https://partner.example"));
    }

    [Test]
    public async Task Static_files_get_the_default_policy()
    {
        var root = Directory.CreateTempSubdirectory("csp-static");
        await File.WriteAllTextAsync(Path.Combine(root.FullName, "site.css"), "body{}");
        try
        {
            await using var app = await StartAsync(a => a.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root.FullName) }));

            using var response = await app.Client.GetAsync("/site.css");
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Error_pages_from_the_exception_handler_get_the_policy()
    {
        await using var app = await CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self())),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.UseExceptionHandler("/error");
                a.MapGet("/boom", string () => throw new InvalidOperationException("boom"));
                a.MapGet("/error", () => Results.Content("<h1>sorry</h1>", "text/html", statusCode: 500));
            });

        using var response = await app.Client.GetAsync("/boom");

        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
    }

    [Test]
    public async Task Not_found_responses_get_the_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/", () => "x"));

        using var response = await app.Client.GetAsync("/nowhere");

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
    }
}

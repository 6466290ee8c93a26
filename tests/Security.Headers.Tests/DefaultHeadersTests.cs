using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Security.Testing;

namespace Security.Headers.Tests;

public sealed class DefaultHeadersTests
{
    private static readonly IReadOnlyList<(string Name, string Value)> Defaults = DefaultSecurityHeaders.All;

    private static void AssertDefaults(HttpResponseMessage response)
    {
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in Defaults)
            {
                Assert.That(response.Header(name), Is.EqualTo(value), name);
            }

            Assert.That(response.Header("Cross-Origin-Embedder-Policy"), Is.Null);
            Assert.That(response.Header("Permissions-Policy"), Does.StartWith("accelerometer=(), autoplay=()").And.EndWith("publickey-credentials-get=(self)"));
            Assert.That(response.Header("Cache-Control"), Is.Null);
            Assert.That(response.Header("Clear-Site-Data"), Is.Null);
        }
    }

    [Test]
    public async Task Without_configuration_a_page_gets_the_secure_default_set()
    {
        await using var host = await HeadersHost.StartAsync();
        using var response = await host.GetAsync("/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        AssertDefaults(response);
    }

    [Test]
    public async Task A_404_for_an_unrouted_path_gets_the_default_set()
    {
        await using var host = await HeadersHost.StartAsync();
        using var response = await host.GetAsync("/nothing-here");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        AssertDefaults(response);
    }

    [Test]
    public async Task A_404_page_from_status_code_pages_gets_the_default_set()
    {
        await using var host = await HeadersHost.StartAsync(pipeline: app => app.UseStatusCodePages());
        using var response = await host.GetAsync("/nothing-here");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("404"));
        AssertDefaults(response);
    }

    [Test]
    public async Task A_static_file_gets_the_default_set()
    {
        var root = Directory.CreateTempSubdirectory("security-headers-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "site.css"), "body { color: black; }");
            using var files = new PhysicalFileProvider(root.FullName);
            await using var host = await HeadersHost.StartAsync(pipeline: app => app.UseStaticFiles(new StaticFileOptions { FileProvider = files }));
            using var response = await host.GetAsync("/site.css");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/css"));
            AssertDefaults(response);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Test]
    public async Task An_error_page_from_the_exception_handler_gets_the_default_set()
    {
        await using var host = await HeadersHost.StartAsync(
            pipeline: app => app.UseExceptionHandler("/error"),
            endpoints: app =>
            {
                app.MapGet("/boom", (HttpContext context) =>
                {
                    context.Response.Headers["X-Before-Crash"] = "wiped";
                    throw new InvalidOperationException("boom");
                });
                app.MapGet("/error", () => Results.Text("sorry", statusCode: 500));
            });
        using var response = await host.GetAsync("/boom");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("sorry"));
        Assert.That(response.Header("X-Before-Crash"), Is.Null, "the handler clears the response");
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in Defaults)
            {
                Assert.That(response.Header(name), Is.EqualTo(value), name);
            }
        }
    }

    [Test]
    public async Task Strict_transport_security_is_sent_on_https_only()
    {
        await using var host = await HeadersHost.StartAsync();
        using var http = await host.GetAsync("http://example.com/");
        using var https = await host.GetAsync("https://example.com/");
        Assert.That(http.Header("Strict-Transport-Security"), Is.Null);
        Assert.That(https.Header("Strict-Transport-Security"), Is.EqualTo("max-age=31536000; includeSubDomains"));
    }

    [TestCase("https://localhost/")]
    [TestCase("https://localhost:5001/")]
    [TestCase("https://127.0.0.1:5001/")]
    [TestCase("https://[::1]:5001/")]
    public async Task Strict_transport_security_is_not_sent_to_localhost_by_default(string url)
    {
        await using var host = await HeadersHost.StartAsync();
        using var response = await host.GetAsync(url);
        Assert.That(response.Header("Strict-Transport-Security"), Is.Null);
    }

    [TestCase("LocalHost:5001", false)]
    [TestCase("LOCALHOST", false)]
    [TestCase("[::1]", false)]
    [TestCase("localhost.example.com", true)]
    [TestCase("lan.example", true)]
    [TestCase("127.0.0.10:5001", true)]
    [TestCase("[::2]:5001", true)]
    public async Task Strict_transport_security_localhost_check_reads_the_raw_host_header(string hostHeader, bool sent)
    {
        await using var host = await HeadersHost.StartAsync();
        using var response = await host.GetAsync("https://example.com/", ("Host", hostHeader));
        Assert.That(response.Header("Strict-Transport-Security"), sent ? Is.EqualTo("max-age=31536000; includeSubDomains") : Is.Null);
    }

    [Test]
    public async Task Strict_transport_security_reaches_localhost_when_asked()
    {
        await using var host = await HeadersHost.StartAsync(o => o.StrictTransportSecurity.IncludeLocalhost = true);
        using var response = await host.GetAsync("https://localhost/");
        Assert.That(response.Header("Strict-Transport-Security"), Is.EqualTo("max-age=31536000; includeSubDomains"));
    }

    [Test]
    public async Task Strict_transport_security_options_shape_the_value()
    {
        await using var host = await HeadersHost.StartAsync(o =>
        {
            o.StrictTransportSecurity.MaxAge = TimeSpan.FromDays(730);
            o.StrictTransportSecurity.Preload = true;
        });
        using var response = await host.GetAsync("https://example.com/");
        Assert.That(response.Header("Strict-Transport-Security"), Is.EqualTo("max-age=63072000; includeSubDomains; preload"));
    }

    [Test]
    public async Task Strict_transport_security_can_be_switched_off()
    {
        await using var host = await HeadersHost.StartAsync(o => o.StrictTransportSecurity.Enabled = false);
        using var response = await host.GetAsync("https://example.com/");
        Assert.That(response.Header("Strict-Transport-Security"), Is.Null);
    }

    [Test]
    public async Task Server_and_x_powered_by_set_by_the_app_are_removed()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.Server = "Kestrel";
            context.Response.Headers.XPoweredBy = "ASP.NET";
            return "home";
        }));
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Server"), Is.Null);
        Assert.That(response.Header("X-Powered-By"), Is.Null);
    }

    [Test]
    public async Task Server_header_is_kept_when_removal_is_off()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.RemoveServerHeader = false,
            endpoints: app => app.MapGet("/", (HttpContext context) =>
            {
                context.Response.Headers.Server = "Kestrel";
                return "home";
            }));
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Server"), Is.EqualTo("Kestrel"));
    }

    [Test]
    public async Task Kestrel_is_told_not_to_add_its_server_header()
    {
        await using var host = await HeadersHost.StartAsync();
        var kestrel = host.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>();
        Assert.That(kestrel.Value.AddServerHeader, Is.False);
    }

    [Test]
    public async Task Disabled_endpoint_gets_none_of_the_headers()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app =>
        {
            app.MapGet("/widget", () => "widget").DisableSecurityHeaders();
            app.MapGet("/health", [DisableSecurityHeaders] () => "ok");
        });
        foreach (var path in new[] { "/widget", "/health" })
        {
            using var response = await host.GetAsync("https://example.com" + path, ("DNT", "1"));
            using (Assert.EnterMultipleScope())
            {
                foreach (var (name, _) in Defaults)
                {
                    Assert.That(response.Header(name), Is.Null, path + " " + name);
                }

                Assert.That(response.Header("Strict-Transport-Security"), Is.Null, path);
                Assert.That(response.Header("DNT"), Is.Null, path);
            }
        }
    }

    [Test]
    public void UseSecurityHeaders_without_AddSecurityHeaders_fails_with_a_helpful_message()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => HeadersHost.StartAsync(addSecurityHeaders: false));
        Assert.That(ex!.Message, Does.Contain("AddSecurityHeaders()"));
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Security.Testing;

namespace Security.IntegrationTests;

public class TestHostTests
{
    private sealed record Greeting(string Text);

    [Test]
    public async Task TestServer_host_runs_services_configuration_and_environment_through_the_pipeline()
    {
        await using var host = await TestHost.StartAsync(
            services => services.AddSingleton(new Greeting("hello")),
            app =>
            {
                app.Use(async (context, next) =>
                {
                    context.Response.Headers["X-From-Middleware"] = "yes";
                    await next(context);
                });
                app.MapGet("/", (Greeting greeting, IConfiguration configuration, IHostEnvironment environment) =>
                    $"{greeting.Text} {configuration["Security:Test"]} {environment.EnvironmentName}");
            },
            configuration: new Dictionary<string, string?> { ["Security:Test"] = "configured" },
            environment: "Development");

        using var response = await host.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Headers.GetValues("X-From-Middleware"), Is.EqualTo(new[] { "yes" }));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("hello configured Development"));
            Assert.That(host.Services.GetRequiredService<Greeting>().Text, Is.EqualTo("hello"));
            Assert.That(host.Server, Is.Not.Null);
        });
    }

    [Test]
    public async Task Kestrel_host_answers_on_a_real_loopback_port()
    {
        await using var host = await TestHost.StartKestrelAsync(null, app => app.MapGet("/", (HttpContext context) => $"port {context.Connection.LocalPort}"));

        // A client of our own, as a browser or a second process would connect.
        using var other = new HttpClient();
        var body = await other.GetStringAsync(host.BaseAddress);

        Assert.Multiple(() =>
        {
            Assert.That(host.BaseAddress.Scheme, Is.EqualTo("http"));
            Assert.That(host.BaseAddress.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(host.BaseAddress.Port, Is.GreaterThan(0));
            Assert.That(body, Is.EqualTo($"port {host.BaseAddress.Port}"));
        });
    }

    [Test]
    public async Task Kestrel_host_serves_https_with_a_self_signed_certificate()
    {
        using var certificate = TestCertificate.Create();
        await using var host = await TestHost.StartKestrelAsync(
            null, app => app.MapGet("/", (HttpContext context) => context.Request.IsHttps ? "https" : "http"), httpsCertificate: certificate);

        var body = await host.Client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(host.BaseAddress.Scheme, Is.EqualTo("https"));
            Assert.That(body, Is.EqualTo("https"));
        });
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Headers.Tests;

/// <summary>What a real client sees from Kestrel: TestServer adds no Server header, Kestrel does.</summary>
public sealed class KestrelTests
{
    [Test]
    public async Task Kestrel_responses_carry_the_defaults_and_no_server_header()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSecurityHeaders();
        await using var app = builder.Build();
        app.UseSecurityHeaders();
        app.MapGet("/", () => "home");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

        using var client = new HttpClient { BaseAddress = new Uri(address) };
        using var home = await client.GetAsync("/");
        using var missing = await client.GetAsync("/missing");
        foreach (var response in new[] { home, missing })
        {
            Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("DENY"));
            Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("same-origin"));
            Assert.That(response.Header("Server"), Is.Null);
        }

        await app.StopAsync();
    }
}

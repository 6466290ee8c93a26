using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Headers.Tests;

/// <summary>What a real client sees from Kestrel: TestServer adds no Server header, Kestrel does.</summary>
public sealed class KestrelTests
{
    [Test]
    public async Task Kestrel_responses_carry_the_defaults_and_no_server_header()
    {
        await using var app = await TestHost.StartKestrelAsync(
            services => services.AddSecurityHeaders(),
            app =>
            {
                app.UseSecurityHeaders();
                app.MapGet("/", () => "home");
            });

        var client = app.Client;
        using var home = await client.GetAsync("/");
        using var missing = await client.GetAsync("/missing");
        foreach (var response in new[] { home, missing })
        {
            Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("DENY"));
            Assert.That(response.Header("Referrer-Policy"), Is.EqualTo("same-origin"));
            Assert.That(response.Header("Server"), Is.Null);
        }
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors;
using Microsoft.Extensions.DependencyInjection;
using Security.CrossOrigin;

namespace Security.CrossOrigin.Tests;

/// <summary>A CORS policy's allowed origins are trusted only when the app says so, and only the policy CORS itself would apply.</summary>
public class CorsTrustTests
{
    private static Task<CrossOriginHost> StartAsync(bool trust, string? policyName = null) => CrossOriginHost.StartAsync(
        o =>
        {
            o.TrustCorsPolicyOrigins = trust;
            o.CorsPolicyName = policyName;
        },
        endpoints: app =>
        {
            app.UseCors();
            app.MapPost("/default", () => "default");
            app.MapPost("/named", () => "named").RequireCors("partners");
            app.MapPost("/attribute", [EnableCors("partners")] () => "attribute");
            app.MapPost("/inline", () => "inline").RequireCors(p => p.WithOrigins("https://inline.example"));
            app.MapPost("/disabled", [DisableCors] () => "disabled");
            app.MapPost("/any", () => "any").RequireCors("any");
        },
        services: s => s.AddCors(cors =>
        {
            cors.AddDefaultPolicy(p => p.WithOrigins("https://spa.example").AllowCredentials());
            cors.AddPolicy("partners", p => p.WithOrigins("https://partner.example"));
            cors.AddPolicy("any", p => p.AllowAnyOrigin());
        }));

    private static (string, string)[] CrossSiteFrom(string origin) => [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors"), ("Origin", origin)];

    [TestCase("/default", "https://spa.example", HttpStatusCode.OK)]
    [TestCase("/default", "https://partner.example", HttpStatusCode.Forbidden)]
    [TestCase("/named", "https://partner.example", HttpStatusCode.OK)]
    [TestCase("/named", "https://spa.example", HttpStatusCode.Forbidden)]
    [TestCase("/attribute", "https://partner.example", HttpStatusCode.OK)]
    [TestCase("/inline", "https://inline.example", HttpStatusCode.OK)]
    [TestCase("/inline", "https://spa.example", HttpStatusCode.Forbidden)]
    [TestCase("/disabled", "https://spa.example", HttpStatusCode.Forbidden)]
    [TestCase("/any", "https://evil.example", HttpStatusCode.Forbidden)]
    public async Task Origin_allowed_by_the_endpoints_CORS_policy_is_trusted_when_opted_in(string path, string origin, HttpStatusCode expected)
    {
        await using var host = await StartAsync(trust: true);

        using var response = await host.SendAsync("POST", path, CrossSiteFrom(origin));

        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task CORS_policy_origins_are_not_trusted_by_default()
    {
        await using var host = await StartAsync(trust: false);

        using var response = await host.SendAsync("POST", "/default", CrossSiteFrom("https://spa.example"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task CorsPolicyName_picks_the_policy_for_endpoints_that_name_none()
    {
        await using var host = await StartAsync(trust: true, policyName: "partners");

        using var partner = await host.SendAsync("POST", "/default", CrossSiteFrom("https://partner.example"));
        using var spa = await host.SendAsync("POST", "/default", CrossSiteFrom("https://spa.example"));

        Assert.Multiple(() =>
        {
            Assert.That(partner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(spa.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    // The package mirrors how CorsMiddleware picks a policy; this fails if the framework's choice changes.
    [TestCase("/default", "https://spa.example")]
    [TestCase("/default", "https://partner.example")]
    [TestCase("/named", "https://partner.example")]
    [TestCase("/named", "https://spa.example")]
    [TestCase("/attribute", "https://partner.example")]
    [TestCase("/inline", "https://inline.example")]
    [TestCase("/inline", "https://spa.example")]
    [TestCase("/disabled", "https://spa.example")]
    public async Task Trust_follows_the_policy_the_CORS_middleware_applies(string path, string origin)
    {
        await using var host = await StartAsync(trust: true);

        // A same-origin-looking request passes the protection, so CORS answers for itself.
        using var cors = await host.SendAsync("POST", path, ("Origin", origin), ("Sec-Fetch-Site", "same-origin"));
        using var ours = await host.SendAsync("POST", path, CrossSiteFrom(origin));

        var corsAllows = cors.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowed) && allowed.Single() == origin;
        Assert.That(ours.StatusCode == HttpStatusCode.OK, Is.EqualTo(corsAllows));
    }

    [Test]
    public async Task Under_isolation_a_cross_site_preflight_passes_only_from_an_origin_the_CORS_policy_allows()
    {
        await using var host = await CrossOriginHost.StartAsync(
            o =>
            {
                o.Mode = CrossOriginProtectionMode.ResourceIsolation;
                o.TrustCorsPolicyOrigins = true;
            },
            endpoints: app =>
            {
                app.UseCors();
                app.MapGet("/api/me", () => "me");
            },
            services: s => s.AddCors(cors => cors.AddDefaultPolicy(p => p.WithOrigins("https://spa.example").AllowAnyMethod().AllowAnyHeader())));
        (string, string)[] preflight = [("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"), ("Access-Control-Request-Method", "GET")];

        using var allowed = await host.SendAsync("OPTIONS", "/api/me", [.. preflight, ("Origin", "https://spa.example")]);
        using var other = await host.SendAsync("OPTIONS", "/api/me", [.. preflight, ("Origin", "https://evil.example")]);

        Assert.Multiple(() =>
        {
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "CORS answered the preflight");
            Assert.That(allowed.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo("https://spa.example"));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Trusting_CORS_without_AddCors_is_a_startup_error()
    {
        var error = await CrossOriginHost.StartupErrorAsync(o => o.TrustCorsPolicyOrigins = true);

        Assert.That(error?.Message, Does.Contain("Security:CrossOrigin:TrustCorsPolicyOrigins").And.Contain("AddCors"));
    }
}

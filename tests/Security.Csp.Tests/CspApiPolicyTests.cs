using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// API endpoints (the framework's <see cref="IDisableCookieRedirectMetadata"/>) get the API policy on their non-HTML
/// responses, without any per-endpoint setup; pages keep the app's nonced policy.
/// </summary>
public sealed class CspApiPolicyTests
{
    private const string PagePolicy = "default-src 'self'; script-src 'self'";

    private static Task<TestApp> StartAsync(Action<WebApplication> map, Action<SecurityCspOptions>? configure = null, string? json = null) =>
        CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p =>
                    {
                        p.DefaultSrc().Self();
                        p.ScriptSrc().Self().WithNonce();
                    });
                    configure?.Invoke(o);
                })
                .AddPolicy("embed", p => p.FrameAncestors().Self()),
            a =>
            {
                a.UseContentSecurityPolicy();
                map(a);
            },
            json);

    [Test]
    public async Task Minimal_api_writing_json_gets_the_api_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/api/items", () => new[] { new Item("a") }));

        using var response = await app.Client.GetAsync("/api/items");

        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'none'; base-uri 'none'; frame-ancestors 'none'"));
    }

    [Test]
    public async Task Minimal_api_reading_json_gets_the_api_policy_on_its_empty_answer()
    {
        await using var app = await StartAsync(a => a.MapPost("/api/items", (Item item) => Results.NoContent()));

        using var response = await app.Client.PostAsync("/api/items", new StringContent("""{"name":"a"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(SecurityCspOptions.DefaultApiPolicy));
    }

    [Test]
    public async Task Page_endpoints_keep_the_page_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/", () => Results.Content("<h1>home</h1>", "text/html")));

        Assert.That(await app.GetCspAsync("/"), Is.EqualTo(PagePolicy));
    }

    [Test]
    public async Task Api_endpoint_that_answers_html_keeps_the_page_policy_and_its_nonce()
    {
        await using var app = await StartAsync(a => a.MapGet("/api/page", (HttpContext c) =>
                Results.Content($"<script nonce=\"{c.GetCspNonce()}\">go()</script>", "text/html; charset=utf-8"))
            .WithMetadata(new ApiMarker()));

        var csp = await app.GetCspAsync("/api/page");

        Assert.That(csp, Does.StartWith("default-src 'self'; script-src 'self' 'nonce-"));
    }

    [Test]
    public async Task A_named_policy_wins_over_the_api_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/api/widget", () => new Item("w")).RequireCspPolicy("embed"));

        Assert.That(await app.GetCspAsync("/api/widget"), Is.EqualTo("frame-ancestors 'self'"));
    }

    [Test]
    public async Task DisableCsp_wins_over_the_api_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/api/raw", () => new Item("r")).DisableCsp());

        Assert.That(await app.GetCspAsync("/api/raw"), Is.Null);
    }

    [Test]
    public async Task UseApiPolicy_false_sends_the_default_policy_to_api_endpoints()
    {
        await using var app = await StartAsync(a => a.MapGet("/api/items", () => new Item("a")), o => o.UseApiPolicy = false);

        Assert.That(await app.GetCspAsync("/api/items"), Is.EqualTo(PagePolicy));
    }

    [Test]
    public async Task Api_policy_from_configuration_replaces_the_preset()
    {
        await using var app = await StartAsync(
            a => a.MapGet("/api/items", () => new Item("a")),
            json: """{"Security": {"Csp": {"ApiPolicy": {"Policy": {"default-src": ["none"], "frame-ancestors": ["self"]}}}}}""");

        Assert.That(await app.GetCspAsync("/api/items"), Is.EqualTo("default-src 'none'; frame-ancestors 'self'"));
    }

    [Test]
    public async Task Not_found_keeps_the_page_policy()
    {
        await using var app = await StartAsync(a => a.MapGet("/api/items", () => new Item("a")));

        Assert.That(await app.GetCspAsync("/nowhere"), Is.EqualTo(PagePolicy));
    }

    // The rule is the cookie handler's (Shared/ApiEndpoint.cs mirrors it): every endpoint the handler answers with 401
    // instead of a login redirect gets the API policy, and no other. Fails when the framework changes its rule.
    [TestCase("/json", true)]
    [TestCase("/typed", true)]
    [TestCase("/text", false)]
    [TestCase("/marked", true)]
    [TestCase("/json-redirect-allowed", false)]
    public async Task Api_policy_goes_exactly_where_the_cookie_handler_answers_401(string path, bool expectApi)
    {
        await using var app = await CspTestHost.StartAsync(
            s =>
            {
                s.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
                s.AddAuthorization();
                s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self()));
            },
            a =>
            {
                a.UseContentSecurityPolicy();
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapGet("/json", () => new Item("a")).RequireAuthorization();
                a.MapGet("/typed", () => TypedResults.Ok()).RequireAuthorization();
                a.MapGet("/text", () => "text").RequireAuthorization();
                a.MapGet("/marked", () => "text").DisableCookieRedirect().RequireAuthorization();
                a.MapGet("/json-redirect-allowed", () => new Item("b")).AllowCookieRedirect().RequireAuthorization();
            });

        using var response = await app.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(expectApi ? HttpStatusCode.Unauthorized : HttpStatusCode.Redirect), "the cookie handler's answer");
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(),
            Is.EqualTo(expectApi ? SecurityCspOptions.DefaultApiPolicy : "default-src 'self'"));
    }

    public sealed record Item(string Name);

    private sealed class ApiMarker : IDisableCookieRedirectMetadata;
}

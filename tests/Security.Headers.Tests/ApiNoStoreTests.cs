using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Security.Headers.Tests;

/// <summary>
/// API answers (often tokens or one user's data) are kept out of caches with no per-endpoint setup; pages and
/// endpoints that say how they may be cached are left alone.
/// </summary>
public sealed class ApiNoStoreTests
{
    private static Action<WebApplication> Endpoints => app =>
    {
        app.MapGet("/api/token", () => new Token("secret"));
        app.MapPost("/api/login", (Token login) => TypedResults.Ok(login));
        app.MapGet("/api/public", (HttpContext c) =>
        {
            c.Response.Headers.CacheControl = "public, max-age=60";
            return new Token("public");
        });
        app.MapGet("/api/redirect-allowed", () => new Token("x")).AllowCookieRedirect();
        app.MapGet("/page", () => Results.Content("<h1>page</h1>", "text/html"));
        app.MapGet("/marked", () => "text").DisableCookieRedirect();
    };

    [TestCase("/api/token", "no-store")]
    [TestCase("/marked", "no-store")]
    [TestCase("/api/public", "public, max-age=60")]
    [TestCase("/api/redirect-allowed", null)]
    [TestCase("/page", null)]
    [TestCase("/nowhere", null)]
    public async Task Api_answers_without_their_own_caching_are_not_stored(string path, string? cacheControl)
    {
        await using var host = await HeadersHost.StartAsync(endpoints: Endpoints);

        using var response = await host.GetAsync(path);

        Assert.That(response.Header("Cache-Control"), Is.EqualTo(cacheControl));
    }

    [Test]
    public async Task A_json_post_answer_is_not_stored()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: Endpoints);

        using var response = await host.Client.PostAsync("/api/login", new StringContent("""{"value":"t"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-store"));
    }

    [Test]
    public async Task ApiNoStore_false_leaves_api_answers_alone()
    {
        await using var host = await HeadersHost.StartAsync(o => o.ApiNoStore = false, endpoints: Endpoints);

        using var response = await host.GetAsync("/api/token");

        Assert.That(response.Header("Cache-Control"), Is.Null);
    }

    [Test]
    public async Task Confidential_still_wins_on_api_endpoints()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/api/me", () => new Token("me")).Confidential());

        using var response = await host.GetAsync("/api/me");

        Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-cache, no-store, max-age=0, must-revalidate"));
    }

    public sealed record Token(string Value);
}

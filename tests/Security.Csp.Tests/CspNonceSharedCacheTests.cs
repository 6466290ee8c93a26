using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// A nonced page that says <c>public</c> or <c>s-maxage</c> would be stored by response caching, a CDN or a proxy and
/// handed with one nonce to every visitor: it goes out <c>private</c> instead (the browser may keep it).
/// </summary>
public sealed partial class CspNonceSharedCacheTests
{
    private static Task<TestApp> StartAsync() =>
        CspTestHost.StartAsync(
            s =>
            {
                s.AddSecurityCsp(o => o.UsePolicy(p => p.ScriptSrc().Self().WithNonce()));
                s.AddResponseCaching();
            },
            a =>
            {
                a.UseContentSecurityPolicy();
                a.UseResponseCaching();
                a.MapGet("/public-page", (HttpContext c) => Page(c, "public, max-age=60"));
                a.MapGet("/shared-page", (HttpContext c) => Page(c, "s-maxage=300, max-age=60"));
                var served = 0;
                a.MapGet("/public-text", (HttpContext c) =>
                {
                    c.Response.Headers.CacheControl = "public, max-age=60";
                    return "served " + Interlocked.Increment(ref served);
                });
            });

    private static IResult Page(HttpContext context, string cacheControl)
    {
        context.Response.Headers.CacheControl = cacheControl;
        return Results.Content($"<script nonce=\"{context.GetCspNonce()}\">go()</script>", "text/html");
    }

    [GeneratedRegex("nonce=\"([^\"]+)\"")]
    private static partial Regex NonceInPage();

    [TestCase("/public-page")]
    [TestCase("/shared-page")]
    public async Task Nonced_page_marked_for_shared_caches_is_not_stored_and_goes_out_private(string path)
    {
        await using var app = await StartAsync();

        using var first = await app.Client.GetAsync(path);
        using var second = await app.Client.GetAsync(path);

        var nonce = NonceInPage().Match(await first.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.That(nonce, Is.Not.Empty);
        Assert.That(NonceInPage().Match(await second.Content.ReadAsStringAsync()).Groups[1].Value, Is.Not.EqualTo(nonce), "each visitor gets a fresh nonce");
        var cacheControl = first.Headers.CacheControl!;
        Assert.Multiple(() =>
        {
            Assert.That(cacheControl.Public, Is.False);
            Assert.That(cacheControl.SharedMaxAge, Is.Null);
            Assert.That(cacheControl.Private, Is.True);
            Assert.That(cacheControl.MaxAge, Is.EqualTo(TimeSpan.FromSeconds(60)), "the browser may still keep its copy");
            Assert.That(first.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain($"'nonce-{nonce}'"));
        });
    }

    [Test]
    public async Task Response_without_a_nonce_is_cached_as_the_app_says()
    {
        await using var app = await StartAsync();

        var first = await app.Client.GetStringAsync("/public-text");

        Assert.That(await app.Client.GetStringAsync("/public-text"), Is.EqualTo(first), "response caching does store a response without a nonce");
    }
}

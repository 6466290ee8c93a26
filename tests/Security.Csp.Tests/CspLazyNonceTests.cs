using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// A nonce only where a page renders one: a response that never asks for it carries the policy without a nonce
/// source, a nonce asked for too late is an error the developer sees, and a nonced response is never stored by output
/// caching (a nonce served twice is no nonce).
/// </summary>
public sealed partial class CspLazyNonceTests
{
    private static Task<TestApp> StartAsync(Action<SecurityCspOptions> configure, string? environment = null) =>
        CspTestHost.StartAsync(
            s =>
            {
                s.AddSecurityCsp(configure);
                s.AddOutputCache();
            },
            a =>
            {
                a.UseContentSecurityPolicy();
                a.UseOutputCache();
                a.MapGet("/page", (HttpContext c) => Results.Content($"<script nonce=\"{c.GetCspNonce()}\">go()</script>", "text/html"));
                a.MapGet("/cached-page", (HttpContext c) => Results.Content($"<script nonce=\"{c.GetCspNonce()}\">go()</script>", "text/html")).CacheOutput();
                var served = 0;
                a.MapGet("/cached-json", () => Results.Json(new { served = Interlocked.Increment(ref served) })).CacheOutput();
                a.MapGet("/json", () => Results.Json(new { ok = true }));
                a.MapGet("/late", async (HttpContext c) =>
                {
                    await c.Response.StartAsync();
                    try
                    {
                        await c.Response.WriteAsync($"<script nonce=\"{c.GetCspNonce()}\"></script>");
                    }
                    catch (InvalidOperationException e)
                    {
                        await c.Response.WriteAsync("error: " + e.Message);
                    }
                });
            },
            environment: environment);

    [GeneratedRegex("nonce=\"([^\"]+)\"")]
    private static partial Regex NonceInPage();

    [Test]
    public async Task Response_that_never_asks_for_a_nonce_carries_the_policy_without_one()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => { p.DefaultSrc().Self(); p.ScriptSrc().Self().WithNonce(); }));

        Assert.That(await app.GetCspAsync("/json"), Is.EqualTo("default-src 'self'; script-src 'self'"));
        Assert.That(await app.GetCspAsync("/no-such-page"), Is.EqualTo("default-src 'self'; script-src 'self'"), "a 404");
        Assert.That(await app.GetCspAsync("/page"), Does.Match("^default-src 'self'; script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='$"));
    }

    [Test]
    public async Task Directive_whose_only_source_is_the_nonce_is_none_without_it()
    {
        await using var app = await StartAsync(o =>
        {
            o.Nonce.Enabled = true;
            o.UsePolicy(p => p.DefaultSrc().None());
        });

        Assert.That(await app.GetCspAsync("/json"), Is.EqualTo("default-src 'none'; script-src 'none'; style-src 'none'"));
    }

    [Test]
    public async Task Report_only_header_without_a_nonce_too()
    {
        await using var app = await StartAsync(o =>
        {
            o.Mode = CspModes.EnforceAndReportOnly;
            o.UsePolicy(p => p.ScriptSrc().Self().WithNonce());
            o.UseReportOnlyPolicy(p => p.ScriptSrc().WithNonce().StrictDynamic());
        });

        Assert.That(await app.GetCspAsync("/json"), Is.EqualTo("script-src 'self'"));
        Assert.That(await app.GetCspAsync("/json", "Content-Security-Policy-Report-Only"), Is.EqualTo("script-src 'strict-dynamic'"));
    }

    [Test]
    public async Task Nonced_response_is_never_stored_by_output_caching()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => p.ScriptSrc().WithNonce()));

        var first = await app.Client.GetStringAsync("/cached-page");
        var second = await app.Client.GetStringAsync("/cached-page");

        var nonce = NonceInPage().Match(first).Groups[1].Value;
        Assert.That(nonce, Is.Not.Empty);
        Assert.That(NonceInPage().Match(second).Groups[1].Value, Is.Not.EqualTo(nonce), "each visitor gets a fresh nonce");
        var json = await app.Client.GetStringAsync("/cached-json");
        Assert.That(await app.Client.GetStringAsync("/cached-json"), Is.EqualTo(json), "output caching does store a response without a nonce");
    }

    [Test]
    public async Task Nonce_asked_for_after_the_response_started_throws_in_Development()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => p.ScriptSrc().WithNonce()), environment: "Development");

        var body = await app.Client.GetStringAsync("/late");

        Assert.That(body, Does.StartWith("error: The CSP nonce was asked for after the response had started"));
    }

    [Test]
    public async Task Nonce_asked_for_after_the_response_started_is_a_logged_warning_in_Production()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => p.ScriptSrc().WithNonce()));

        using var response = await app.Client.GetAsync("/late");

        Assert.That(await response.Content.ReadAsStringAsync(), Does.StartWith("<script nonce="));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("script-src 'none'"));
        var record = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3003);
        Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(record.Message, Does.Contain("/late"));
    }
}

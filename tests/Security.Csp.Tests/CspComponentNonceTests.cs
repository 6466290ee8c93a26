using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Security.Csp.Tests.Components;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// <c>AddCascadingNonce()</c>: Razor components rendered into a response (static or prerendered, streaming included) get
/// the nonce the response's header carries; a render outside the request's scope (as in a circuit) gets none.
/// </summary>
public sealed partial class CspComponentNonceTests
{
    private static Task<TestApp> StartAsync() =>
        CspTestHost.StartComponentsAsync(
            p => p.ForBlazorWebApp(),
            // A render in a scope of its own, as an interactive circuit's: an HttpContext exists, but not this render's.
            a => a.MapGet("/outside", async (IServiceScopeFactory scopes, ILoggerFactory loggers) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggers);
                var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<StaticNoncePage>()).ToHtmlString());
                return Results.Content(html, "text/html");
            }));

    [GeneratedRegex("'nonce-([A-Za-z0-9+/=]+)'")]
    private static partial Regex NonceInHeader();

    [Test]
    public async Task Static_page_and_app_render_the_nonce_of_the_header()
    {
        await using var app = await StartAsync();

        var (header, html) = await GetAsync(app, "/static");

        var nonce = NonceInHeader().Match(header).Groups[1].Value;
        Assert.Multiple(() =>
        {
            Assert.That(nonce, Has.Length.EqualTo(24), header);
            Assert.That(NonceOf(html, "importmap"), Is.EqualTo(nonce), "App's import map");
            Assert.That(NonceOf(html, "own"), Is.EqualTo(nonce), "the page's own script");
        });
    }

    [Test]
    public async Task Each_response_gets_its_own_nonce_in_header_and_components()
    {
        await using var app = await StartAsync();

        var (firstHeader, firstHtml) = await GetAsync(app, "/static");
        var (secondHeader, secondHtml) = await GetAsync(app, "/static");

        var first = NonceInHeader().Match(firstHeader).Groups[1].Value;
        var second = NonceInHeader().Match(secondHeader).Groups[1].Value;
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.Not.EqualTo(first), "the cascading value is per request, never cached across responses");
            Assert.That(NonceOf(firstHtml, "own"), Is.EqualTo(first));
            Assert.That(NonceOf(secondHtml, "own"), Is.EqualTo(second));
        });
    }

    [Test]
    public async Task Streaming_page_renders_after_the_response_started_with_the_header_nonce_and_no_late_nonce_warning()
    {
        await using var app = await StartAsync();

        var (header, html) = await GetAsync(app, "/streaming");

        var nonce = NonceInHeader().Match(header).Groups[1].Value;
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Match("<template blazor-component-id=\"[0-9]+\"><p id=\"started\">started</p>"), "the page's script was streamed after the response started");
            Assert.That(NonceOf(html, "late"), Is.EqualTo(nonce), "the streamed script carries the header's nonce");
            Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 3003), Is.Empty, "no nonce asked after the header went out");
        });
    }

    [Test]
    public async Task Render_outside_the_request_scope_gets_no_nonce_and_draws_none()
    {
        await using var app = await StartAsync();

        var (header, html) = await GetAsync(app, "/outside");

        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<script id=\"own\"></script>"), "no nonce attribute at all, not a nonce no header carries");
            Assert.That(header, Does.Not.Contain("'nonce-"), "nothing in this response asked for the nonce");
        });
    }

    [Test]
    public async Task Calling_AddCascadingNonce_twice_cascades_one_value()
    {
        await using var app = await CspTestHost.StartComponentsAsync(p => p.ForBlazorWebApp(), cascadingNonceCalls: 2);

        var (header, html) = await GetAsync(app, "/static");

        Assert.That(NonceOf(html, "own"), Is.EqualTo(NonceInHeader().Match(header).Groups[1].Value));
    }

    // Razor encodes '+' in attributes as &#x2B;, which the browser decodes.
    private static string? NonceOf(string html, string id) =>
        Regex.Match(html, $"id=\"{id}\" nonce=\"([^\"]*)\"") is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    private static async Task<(string Header, string Html)> GetAsync(TestApp app, string path)
    {
        using var response = await app.Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return (string.Join("\n", response.Headers.GetValues("Content-Security-Policy")), await response.Content.ReadAsStringAsync());
    }
}

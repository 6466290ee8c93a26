using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Security.CrossOrigin;
using Security.Testing;

namespace Security.IntegrationTests.Browser;

/// <summary>
/// What headless Chromium sends, and what Security.CrossOrigin answers: an app on <c>http://localhost:P2</c>, and an
/// attacker's page on <c>http://127.0.0.1:P1</c> (another site: <c>localhost</c> and <c>127.0.0.1</c> share no
/// registrable domain). Each request's <c>Sec-Fetch-*</c> headers are recorded before the protection runs, and
/// written to the test output.
/// </summary>
[NonParallelizable]
public class CrossOriginBrowserTests : BrowserFixture
{
    [Test]
    public async Task Cross_site_form_post_and_no_cors_fetch_are_refused()
    {
        await using var app = await ProtectedApp.StartAsync(CrossOriginProtectionMode.RequestForgery);
        await using var attacker = await AttackerSite.StartAsync(app.Origin);
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(attacker.BaseAddress.ToString());

        var fetched = await page.EvaluateAsync<string>("() => noCorsPost()");
        var posted = page.WaitForResponseAsync(r => r.Url == app.Origin + "/transfer");
        await page.ClickAsync("#send");
        var answer = await posted;
        await page.WaitForLoadStateAsync(LoadState.Load);

        app.WriteSeen();
        var fetch = app.Seen.Single(r => r.Method == "POST" && r.Mode == "no-cors");
        var form = app.Seen.Single(r => r.Method == "POST" && r.Mode == "navigate");
        Assert.Multiple(async () =>
        {
            Assert.That(fetched, Is.EqualTo("opaque"), "a no-cors fetch resolves with an opaque response whatever the server says");
            Assert.That(fetch, Is.EqualTo(new Seen("POST", "/transfer", "cross-site", "no-cors", "empty", attacker.Origin(), 403)));
            Assert.That(form, Is.EqualTo(new Seen("POST", "/transfer", "cross-site", "navigate", "document", attacker.Origin(), 403)));
            Assert.That(answer.Status, Is.EqualTo(403));
            Assert.That(await page.ContentAsync(), Does.Contain("Cross-origin request refused"));
            Assert.That(app.Transfers, Is.Zero, "the endpoint never ran");
        });
    }

    [Test]
    public async Task Same_origin_form_post_and_fetch_pass()
    {
        await using var app = await ProtectedApp.StartAsync(CrossOriginProtectionMode.ResourceIsolation);
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Origin + "/");

        var fetched = await page.EvaluateAsync<string>("() => corsPost()");
        var posted = page.WaitForResponseAsync(r => r.Url == app.Origin + "/transfer");
        await page.ClickAsync("#send");
        var answer = await posted;

        app.WriteSeen();
        Assert.Multiple(() =>
        {
            Assert.That(fetched, Is.EqualTo("200 transferred"));
            Assert.That(answer.Status, Is.EqualTo(200));
            Assert.That(app.Seen.Single(r => r.Method == "POST" && r.Mode == "cors"), Is.EqualTo(new Seen("POST", "/transfer", "same-origin", "cors", "empty", app.Origin, 200)));
            Assert.That(app.Seen.Single(r => r.Method == "POST" && r.Mode == "navigate"), Is.EqualTo(new Seen("POST", "/transfer", "same-origin", "navigate", "document", app.Origin, 200)));
            Assert.That(app.Seen.Single(r => r.Path == "/"), Is.EqualTo(new Seen("GET", "/", "none", "navigate", "document", "", 200)));
            Assert.That(app.Transfers, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Cross_site_script_include_of_JSON_is_refused_in_resource_isolation_mode_and_a_link_still_works()
    {
        await using var app = await ProtectedApp.StartAsync(CrossOriginProtectionMode.ResourceIsolation);
        await using var attacker = await AttackerSite.StartAsync(app.Origin);
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(attacker.BaseAddress.ToString());

        var script = await page.EvaluateAsync<string>("() => includeScript()");
        await page.ClickAsync("#link");
        await page.WaitForURLAsync(app.Origin + "/data.json");

        app.WriteSeen();
        Assert.Multiple(async () =>
        {
            Assert.That(script, Is.EqualTo("error"), "the script element saw its load fail");
            Assert.That(app.Seen.Single(r => r.Dest == "script"), Is.EqualTo(new Seen("GET", "/data.json", "cross-site", "no-cors", "script", "", 403)));
            Assert.That(app.Seen.Single(r => r.Dest == "document"), Is.EqualTo(new Seen("GET", "/data.json", "cross-site", "navigate", "document", "", 200)));
            Assert.That(await page.ContentAsync(), Does.Contain("balance"), "a top-level navigation from another site is not refused");
        });
    }

    [Test]
    public async Task Cross_site_script_include_passes_in_the_default_mode()
    {
        await using var app = await ProtectedApp.StartAsync(CrossOriginProtectionMode.RequestForgery);
        await using var attacker = await AttackerSite.StartAsync(app.Origin);
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(attacker.BaseAddress.ToString());

        await page.EvaluateAsync<string>("() => includeScript()");

        app.WriteSeen();
        Assert.That(app.Seen.Single(r => r.Dest == "script"), Is.EqualTo(new Seen("GET", "/data.json", "cross-site", "no-cors", "script", "", 200)));
    }

    internal sealed record Seen(string Method, string Path, string Site, string Mode, string Dest, string Origin, int Status);

    /// <summary>The protected app, reached as <c>http://localhost:P2</c>; it records every request's Fetch Metadata.</summary>
    private sealed class ProtectedApp : IAsyncDisposable
    {
        private readonly KestrelApp _app;
        private readonly ConcurrentQueue<Seen> _seen;
        private readonly int[] _transfers;

        private ProtectedApp(KestrelApp app, ConcurrentQueue<Seen> seen, int[] transfers)
        {
            _app = app;
            _seen = seen;
            _transfers = transfers;
            Origin = $"http://localhost:{app.BaseAddress.Port}";
        }

        public string Origin { get; }

        public IReadOnlyList<Seen> Seen => [.. _seen.Where(s => s.Path != "/favicon.ico")];

        public int Transfers => Volatile.Read(ref _transfers[0]);

        public static async Task<ProtectedApp> StartAsync(CrossOriginProtectionMode mode)
        {
            var seen = new ConcurrentQueue<Seen>();
            var transfers = new int[1];
            var app = await TestHost.StartKestrelAsync(
                services => services.AddCrossOriginProtection(o => o.Mode = mode),
                web =>
                {
                    web.Use(async (context, next) =>
                    {
                        var headers = context.Request.Headers;
                        await next(context);
                        seen.Enqueue(new Seen(context.Request.Method, context.Request.Path, headers["Sec-Fetch-Site"].ToString(), headers["Sec-Fetch-Mode"].ToString(),
                            headers["Sec-Fetch-Dest"].ToString(), headers.Origin.ToString(), context.Response.StatusCode));
                    });
                    web.UseRouting();
                    web.UseCrossOriginProtection();
                    web.MapGet("/", () => Results.Content(
                        """
                        <!doctype html><title>app</title>
                        <form method="post" action="/transfer"><input name="amount" value="100"><button id="send">send</button></form>
                        <script>
                        async function corsPost() {
                          const r = await fetch('/transfer', { method: 'POST', body: 'amount=100', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
                          return r.status + ' ' + await r.text();
                        }
                        </script>
                        """, "text/html"));
                    web.MapPost("/transfer", () =>
                    {
                        Interlocked.Increment(ref transfers[0]);
                        return "transferred";
                    });
                    web.MapGet("/data.json", () => Results.Json(new { balance = 1000 }));
                });
            return new ProtectedApp(app, seen, transfers);
        }

        public void WriteSeen()
        {
            foreach (var s in _seen)
            {
                TestContext.Out.WriteLine($"{s.Method} {s.Path}: Sec-Fetch-Site '{s.Site}', Sec-Fetch-Mode '{s.Mode}', Sec-Fetch-Dest '{s.Dest}', Origin '{s.Origin}' -> {s.Status}");
            }
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    /// <summary>The attacker's page on <c>http://127.0.0.1:P1</c>: a form, a no-cors fetch, a script include and a link, all aimed at the app.</summary>
    private static class AttackerSite
    {
        public static Task<KestrelApp> StartAsync(string target) => TestHost.StartKestrelAsync(null, web => web.MapGet("/", () => Results.Content(
            $$"""
            <!doctype html><title>attacker</title>
            <form method="post" action="{{target}}/transfer"><input name="amount" value="100"><button id="send">send</button></form>
            <a id="link" href="{{target}}/data.json">data</a>
            <script>
            async function noCorsPost() {
              const r = await fetch('{{target}}/transfer', { method: 'POST', mode: 'no-cors', body: 'amount=100', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
              return r.type;
            }
            function includeScript() {
              return new Promise(resolve => {
                const s = document.createElement('script');
                s.src = '{{target}}/data.json';
                s.onload = () => resolve('load');
                s.onerror = () => resolve('error');
                document.body.appendChild(s);
              });
            }
            </script>
            """, "text/html")));
    }
}

internal static class KestrelAppOrigin
{
    /// <summary>The app's own origin, e.g. <c>http://127.0.0.1:41873</c>.</summary>
    public static string Origin(this KestrelApp app) => app.BaseAddress.GetLeftPart(UriPartial.Authority);
}

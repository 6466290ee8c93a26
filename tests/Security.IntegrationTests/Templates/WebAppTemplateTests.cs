using System.Diagnostics;
using System.Net;
using Microsoft.Playwright;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Security.IntegrationTests.Browser;
using Security.Testing;

namespace Security.IntegrationTests.Templates;

/// <summary>
/// <c>dotnet new webapp --auth Individual</c> (Razor Pages, Identity's default UI, SQLite) wired by the README's lines,
/// published and run in Production over HTTPS, seen in headless Chromium: what fails silently there fails here.
/// </summary>
[NonParallelizable]
public sealed class WebAppTemplateTests : BrowserFixture
{
    // Bootstrap 5's .btn-primary background: the page's CSS was served and applied.
    private const string BootstrapPrimary = "rgb(13, 110, 253)";
    private const string Password = "Templ4te-pass!";

    private TemplateApp _app = null!;

    [OneTimeSetUp]
    public async Task CreateApp()
    {
        var time = Stopwatch.StartNew();
        _app = TemplateApp.Create(["webapp", "--auth", "Individual"], "WebApp", ["Security.Headers", "Security.Csp", "Security.Auth", "Security.CrossOrigin"]);
        WebAppTemplateWiring.Apply(_app);
        // Not a README line: an anonymous endpoint that throws, so the exception handler's page can be reached.
        _app.Replace("Program.cs", "app.Run();", "app.MapGet(\"/harness/throw\", string () => throw new InvalidOperationException(\"harness\")).AllowAnonymous();\napp.Run();");
        await _app.StartAsync();
        TestContext.Progress.WriteLine($"webapp template created, published and started in {time.Elapsed.TotalSeconds:F0} s");
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        // Also after a failed set-up, which may have stopped before the app was made.
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Test]
    public async Task Login_page_is_styled_and_breaks_no_csp_rule()
    {
        await using var visit = await VisitAsync("Identity/Account/Login");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await visit.BackgroundColorAsync("#login-submit"), Is.EqualTo(BootstrapPrimary), "Bootstrap's CSS applies");
            Assert.That(await visit.AssetStatusesAsync(), Is.All.EndsWith(": 200"), "an anonymous visitor gets every asset of the page");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Register_page_validates_in_the_browser_under_csp()
    {
        await using var visit = await VisitAsync("Identity/Account/Register");
        var posts = 0;
        visit.Page.Request += (_, request) => posts += request.Method == "POST" ? 1 : 0;

        await visit.Page.ClickAsync("#registerSubmit");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await visit.Page.EvaluateAsync<bool>("() => typeof jQuery !== 'undefined' && typeof jQuery.validator !== 'undefined'"), Is.True, "jquery-validate loaded");
            Assert.That(await visit.Page.TextContentAsync("#Input_Email-error"), Does.Contain("required"), "the empty form is refused in the browser");
            Assert.That(posts, Is.Zero, "the empty form never reached the server");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Wrong_password_shows_identitys_answer_and_the_fourth_is_throttled_to_the_lockout_page()
    {
        await using var visit = await VisitAsync("Identity/Account/Login");
        var email = $"nobody-{Guid.NewGuid():N}@example.com";

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await SignInAsync(visit.Page, email, "wrong-password");
            Assert.That(await visit.Page.TextContentAsync(".validation-summary-errors"), Does.Contain("Invalid login attempt."), $"attempt {attempt}");
        }

        await SignInAsync(visit.Page, email, "wrong-password");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(new Uri(visit.Page.Url).AbsolutePath, Is.EqualTo("/Identity/Account/Lockout"));
            Assert.That(await visit.Page.TextContentAsync("h1"), Does.Contain("Locked out"));
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task New_user_confirms_signs_in_and_gets_a_styled_change_password_page()
    {
        await using var visit = await VisitAsync("Identity/Account/Register");
        var email = $"user-{Guid.NewGuid():N}@example.com";
        await visit.Page.FillAsync("#Input_Email", email);
        await visit.Page.FillAsync("#Input_Password", Password);
        await visit.Page.FillAsync("#Input_ConfirmPassword", Password);
        await visit.Page.ClickAsync("#registerSubmit");
        await visit.Page.ClickAsync("#confirm-link");
        Assert.That(await visit.Page.TextContentAsync("main"), Does.Contain("Thank you for confirming your email."));

        await visit.Page.GotoAsync(_app.Url("Identity/Account/Login"));
        await SignInAsync(visit.Page, email, Password);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(new Uri(visit.Page.Url).AbsolutePath, Is.EqualTo("/Identity/Account/Manage/ChangePassword"), "a new user's password is expired");
            Assert.That(await visit.BackgroundColorAsync("main button.btn-primary"), Is.EqualTo(BootstrapPrimary), "Bootstrap's CSS applies for a user whose password expired");
            Assert.That(await visit.AssetStatusesAsync(), Is.All.EndsWith(": 200"), "this user's browser gets every asset of the page, not a redirect to it");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Anonymous_error_page_is_the_error_page_not_a_login_redirect()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("harness/throw");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("An error occurred while processing your request."));
        });
    }

    [Test]
    public async Task Anonymous_private_page_is_a_login_redirect()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("Privacy");

        Assert.That(response.Headers.Location?.AbsolutePath, Is.EqualTo("/Identity/Account/Login"));
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", password);
        await page.ClickAsync("#login-submit");
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    [Test]
    public async Task A_form_on_another_site_cannot_post_to_the_login_page()
    {
        // Without Security.CrossOrigin antiforgery would answer 400; the protection answers first, saying why.
        var login = _app.Url("Identity/Account/Login").Replace("://127.0.0.1:", "://localhost:", StringComparison.Ordinal);
        await using var attacker = await TestHost.StartKestrelAsync(null, web => web.MapGet("/", () => Results.Content(
            $"<!doctype html><form method=post action=\"{login}\"><input name=Input.Email value=a@example.com><input name=Input.Password value=x><button id=send>go</button></form>",
            "text/html")));
        await using var visit = await VisitAsync(null);
        await visit.Page.GotoAsync(attacker.BaseAddress.ToString());

        var posted = visit.Page.WaitForResponseAsync(r => r.Request.Method == "POST");
        await visit.Page.ClickAsync("#send");
        var answer = await posted;

        Assert.That(answer.Status, Is.EqualTo(403));
        Assert.That(await answer.TextAsync(), Does.Contain("\"reason\":\"cross-site\""));
    }

    private async Task<PageVisit> VisitAsync(string? path)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        var visit = new PageVisit(context, page);
        if (path is not null)
        {
            await page.GotoAsync(_app.Url(path));
        }

        return visit;
    }

    /// <summary>One browser context on the app, recording what fails without a word: CSP violations, script errors, assets not served.</summary>
    private sealed class PageVisit : IAsyncDisposable
    {
        private readonly List<string> _failures = [];

        public PageVisit(IBrowserContext context, IPage page)
        {
            Context = context;
            Page = page;
            page.Console += (_, message) =>
            {
                if (message.Type is "error" or "warning")
                {
                    Record($"console {message.Type}: {message.Text}");
                }
            };
            page.PageError += (_, error) => Record($"script error: {error}");
            page.Response += (_, response) =>
            {
                var type = response.Request.ResourceType;
                if (type is "stylesheet" or "script" or "image" or "font" && response.Status != 200)
                {
                    Record($"{type} {response.Url}: {response.Status}");
                }
            };
            page.RequestFailed += (_, request) => Record($"{request.ResourceType} {request.Url}: {request.Failure}");
        }

        public IBrowserContext Context { get; }

        public IPage Page { get; }

        public Task<string> BackgroundColorAsync(string selector) =>
            Page.EvalOnSelectorAsync<string>(selector, "e => getComputedStyle(e).backgroundColor");

        /// <summary>
        /// Fetches every stylesheet and script of the page again with this context's cookies, bypassing the browser's cache
        /// (which would hide an asset the app now redirects, loaded on an earlier page).
        /// </summary>
        public async Task<IReadOnlyList<string>> AssetStatusesAsync()
        {
            var urls = await Page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(e => e.href).concat([...document.querySelectorAll('script[src]')].map(e => e.src))");
            var statuses = new List<string>();
            foreach (var url in urls)
            {
                var response = await Context.APIRequest.GetAsync(url, new APIRequestContextOptions { MaxRedirects = 0 });
                statuses.Add($"{url}: {response.Status}");
            }

            return statuses;
        }

        public void AssertNoSilentFailure()
        {
            lock (_failures)
            {
                Assert.That(_failures, Is.Empty, $"on {Page.Url}:{Environment.NewLine}{string.Join(Environment.NewLine, _failures)}");
            }
        }

        public async ValueTask DisposeAsync() => await Context.DisposeAsync();

        private void Record(string failure)
        {
            lock (_failures)
            {
                _failures.Add(failure);
            }
        }
    }
}

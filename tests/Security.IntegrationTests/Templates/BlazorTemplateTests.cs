using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Security.IntegrationTests.Browser;

namespace Security.IntegrationTests.Templates;

/// <summary>
/// <c>dotnet new blazor --auth Individual</c> (interactive Server, Identity as Razor components, SQLite) wired by the
/// README's lines, published and run in Production over HTTPS, seen in headless Chromium: every page under the
/// <c>ForBlazorWebApp()</c> policy with no violation, interactive and streaming pages, enhanced navigation, throttled sign-in.
/// </summary>
[NonParallelizable]
public sealed partial class BlazorTemplateTests : BrowserFixture
{
    private const string BootstrapPrimary = "rgb(13, 110, 253)";
    private const string Password = "Templ4te-pass!";

    private const string HarnessThrowPage = """
        @page "/harness/throw"
        @rendermode InteractiveServer

        <button id="throw" class="btn btn-primary" @onclick="Throw">Throw</button>

        @code {
            private void Throw() => throw new InvalidOperationException("harness");
        }
        """;

    private TemplateApp _app = null!;

    // localhost, not an IP address: the login page's passkey autofill (WebAuthn) needs a domain.
    [OneTimeSetUp]
    public async Task CreateApp() => _app = await TemplateApp.StartNewAsync(
        ["blazor", "--auth", "Individual"], "BlazorApp", ["Security.Headers", "Security.Csp", "Security.Auth"], app =>
        {
            BlazorTemplateWiring.Apply(app);
            // Not a README line: an interactive page whose button throws, so the circuit's error UI can be seen.
            app.Write("Components/Pages/HarnessThrow.razor", HarnessThrowPage);
        },
        host: "localhost");

    [OneTimeTearDown]
    public async Task StopApp()
    {
        // Also after a failed set-up, which may have stopped before the app was made.
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    // Each page's submit button (app.css's .btn-primary) or heading (Bootstrap's .text-danger): the page's CSS applied.
    [TestCase("Account/Login", "button[type=submit]", "rgb(27, 110, 194)")]
    [TestCase("Account/Register", "button[type=submit]", "rgb(27, 110, 194)")]
    [TestCase("Account/ForgotPassword", "button[type=submit]", "rgb(27, 110, 194)")]
    [TestCase("Account/ResendEmailConfirmation", "button[type=submit]", "rgb(27, 110, 194)")]
    [TestCase("Account/Lockout", "h1", "rgb(220, 53, 69)")]
    public async Task Anonymous_account_page_is_public_styled_and_breaks_no_csp_rule(string path, string styled, string color)
    {
        await using var visit = await VisitAsync(path);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(new Uri(visit.Page.Url).AbsolutePath, Is.EqualTo("/" + path), "no sign-in redirect");
            Assert.That(await visit.Page.EvalOnSelectorAsync<string>(styled, "e => getComputedStyle(e).backgroundColor + ' ' + getComputedStyle(e).color"),
                Does.Contain(color), "the page's CSS applies");
            Assert.That(await visit.AssetStatusesAsync(), Is.All.EndsWith(": 200"), "an anonymous visitor gets every asset of the page");
            Assert.That(await visit.Page.EvaluateAsync<bool>("() => typeof Blazor !== 'undefined'"), Is.True, "blazor.web.js ran (its URL resolved against <base href>)");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Anonymous_app_and_manage_pages_are_sign_in_redirects()
    {
        using var client = _app.CreateClient();

        using var home = await client.GetAsync("");
        using var manage = await client.GetAsync("Account/Manage");

        Assert.Multiple(() =>
        {
            Assert.That(home.Headers.Location?.AbsolutePath, Is.EqualTo("/Account/Login"), "login-required");
            Assert.That(manage.Headers.Location?.AbsolutePath, Is.EqualTo("/Account/Login"), "[LoginNotRequired] leaves Manage's [Authorize] in force");
        });
    }

    [Test]
    public async Task Signed_in_user_uses_counter_and_weather_over_enhanced_navigation_with_no_csp_violation()
    {
        await using var visit = await SignedInAsync();
        var header = await CspOfAsync(visit, "");
        await visit.Page.EvaluateAsync("() => window.fullLoadMarker = 1");

        await visit.Page.ClickAsync("a.nav-link[href='counter']");
        await visit.Page.WaitForURLAsync(_app.Url("counter"));
        // The counter is interactive once its circuit is up: click until the server's render shows the count.
        await Expect(visit.Page.Locator("button.btn-primary")).ToBeEnabledAsync();
        await visit.Page.WaitForFunctionAsync("() => { document.querySelector('button.btn-primary').click(); return document.querySelector('[role=status]').textContent.trim() !== 'Current count: 0'; }",
            null, new PageWaitForFunctionOptions { PollingInterval = 200 });

        await visit.Page.ClickAsync("a.nav-link[href='weather']");
        await visit.Page.WaitForSelectorAsync("table.table tbody tr");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(header, Does.Contain("base-uri 'self'").And.Contains("'nonce-"), "the page carries the Blazor policy with its nonce");
            Assert.That(await visit.Page.EvaluateAsync<int?>("() => window.fullLoadMarker"), Is.EqualTo(1), "both navigations were enhanced, not full page loads");
            Assert.That(await visit.Page.EvaluateAsync<int>("() => document.querySelectorAll('table.table tbody tr').length"), Is.EqualTo(5), "the streamed forecasts arrived");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Weather_streams_on_a_full_page_load_with_no_csp_violation()
    {
        await using var visit = await SignedInAsync();

        await visit.Page.GotoAsync(_app.Url("weather"));
        await visit.Page.WaitForSelectorAsync("table.table tbody tr");

        Assert.That(await visit.Page.EvaluateAsync<int>("() => document.querySelectorAll('table.table tbody tr').length"), Is.EqualTo(5));
        visit.AssertNoSilentFailure();
    }

    [Test]
    public async Task Template_inline_handler_runs_on_a_narrow_screen_under_the_preset_hash_and_both_hashes_are_the_templates()
    {
        var navMenu = File.ReadAllText(Path.Combine(_app.ProjectDirectory, "Components", "Layout", "NavMenu.razor"));
        var handler = OnClick().Match(navMenu).Groups[1].Value;
        var hash = Sha256(handler);
        var twoFactor = File.ReadAllText(Path.Combine(_app.ProjectDirectory, "Components", "Account", "Pages", "Manage", "TwoFactorAuthentication.razor"));
        var styleHash = Sha256(StyleAttribute().Match(twoFactor).Groups[1].Value);
        await using var visit = await SignedInAsync();
        await visit.Page.SetViewportSizeAsync(400, 800);

        await visit.Page.ClickAsync(".navbar-toggler");
        await visit.Page.ClickAsync(".nav-scrollable .nav-link[href='counter']");
        await visit.Page.WaitForURLAsync(_app.Url("counter"));

        await Assert.MultipleAsync(async () =>
        {
            var csp = await CspOfAsync(visit, "counter");
            Assert.That(csp, Does.Contain($"script-src-attr 'unsafe-hashes' 'sha256-{hash}'"), "the preset allows the template's own handler, by its hash");
            Assert.That(csp, Does.Contain($"style-src-attr 'unsafe-hashes' 'sha256-{styleHash}'"), "and its one style attribute");
            Assert.That(await visit.Page.IsCheckedAsync(".navbar-toggler"), Is.False, "the handler ran: it closed the menu");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Sign_out_from_the_interactive_counter_ends_the_session_and_lands_on_the_login_page()
    {
        await using var visit = await SignedInAsync();
        await visit.Page.ClickAsync("a.nav-link[href='counter']");
        await visit.Page.WaitForURLAsync(_app.Url("counter"));
        await Expect(visit.Page.Locator("button.btn-primary")).ToBeEnabledAsync();

        await visit.Page.ClickAsync("button.nav-link:has-text('Logout')");
        await visit.Page.WaitForURLAsync(new Regex("/Account/Login"));
        var again = await visit.Context.APIRequest.GetAsync(_app.Url("counter"), new APIRequestContextOptions { MaxRedirects = 0 });

        Assert.Multiple(() =>
        {
            Assert.That(new Uri(visit.Page.Url).PathAndQuery, Is.EqualTo("/Account/Login?ReturnUrl=%2Fcounter"), "login-required sends the signed-out user to sign in, back to the counter after");
            Assert.That(again.Headers.GetValueOrDefault("location"), Does.Contain("/Account/Login"), "the session cookie is gone");
            visit.AssertNoSilentFailure();
        });
    }

    [Test]
    public async Task Circuit_exception_shows_the_templates_error_ui_with_no_csp_violation()
    {
        await using var visit = await SignedInAsync();
        await visit.Page.GotoAsync(_app.Url("harness/throw"));
        await Expect(visit.Page.Locator("#throw")).ToBeEnabledAsync();

        // Clicks until the circuit is up and the server's exception ends it.
        await visit.Page.WaitForFunctionAsync("() => { document.getElementById('throw').click(); return getComputedStyle(document.getElementById('blazor-error-ui')).display !== 'none'; }",
            null, new PageWaitForFunctionOptions { PollingInterval = 200 });

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await visit.Page.Locator("#blazor-error-ui").IsVisibleAsync(), Is.True, "the error UI is shown (blazor.web.js sets its display)");
            Assert.That(visit.Failures.Where(f => f.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)), Is.Empty, "no CSP violation; the circuit's own error is expected");
        });
    }

    [Test]
    public async Task Wrong_password_shows_the_pages_error_and_the_fourth_is_throttled_to_the_lockout_page()
    {
        await using var visit = await VisitAsync("Account/Login");

        await visit.AssertFourthWrongPasswordIsLockedOutAsync(SignInAsync, ".alert-danger", "/Account/Lockout");
    }

    [GeneratedRegex("class=\"nav-scrollable\" onclick=\"([^\"]+)\"")]
    private static partial Regex OnClick();

    [GeneratedRegex("<form style=\"([^\"]+)\"")]
    private static partial Regex StyleAttribute();

    private static string Sha256(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.FillAsync("[id='Input.Email']", email);
        await page.FillAsync("[id='Input.Password']", password);
        await page.ClickAsync("button[type=submit]:has-text('Log in')");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    private Task<PageVisit> SignedInAsync() => RegisterAndSignInAsync(Browser, _app);

    /// <summary>A new user of <paramref name="app"/> registered, confirmed and signed in, on the home page.</summary>
    internal static async Task<PageVisit> RegisterAndSignInAsync(IBrowser browser, TemplateApp app)
    {
        var visit = await PageVisit.OpenAsync(browser, app.Url("Account/Register"));
        var email = $"user-{Guid.NewGuid():N}@example.com";
        await visit.Page.FillAsync("[id='Input.Email']", email);
        await visit.Page.FillAsync("[id='Input.Password']", Password);
        await visit.Page.FillAsync("[id='Input.ConfirmPassword']", Password);
        await visit.Page.ClickAsync("button[type=submit]:has-text('Register')");
        await visit.Page.ClickAsync("text=Click here to confirm your account");
        await visit.Page.WaitForSelectorAsync("text=Thank you for confirming your email.");
        await visit.Page.GotoAsync(app.Url("Account/Login"));
        await SignInAsync(visit.Page, email, Password);
        Assert.That(new Uri(visit.Page.Url).AbsolutePath, Is.EqualTo("/"), "signed in, on the home page");
        return visit;
    }

    private async Task<string> CspOfAsync(PageVisit visit, string path)
    {
        var response = await visit.Context.APIRequest.GetAsync(_app.Url(path), new APIRequestContextOptions { MaxRedirects = 0 });
        return response.Headers.TryGetValue("content-security-policy", out var csp) ? csp : "";
    }

    private Task<PageVisit> VisitAsync(string path) => PageVisit.OpenAsync(Browser, _app.Url(path));
}

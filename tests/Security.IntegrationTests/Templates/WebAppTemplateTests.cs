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
    private const string NewPassword = "Templ4te-pass-2!";
    private const string AdminEmail = "admin@harness.test";

    private TemplateApp _app = null!;

    [OneTimeSetUp]
    public async Task CreateApp() => _app = await TemplateApp.StartNewAsync(
        ["webapp", "--auth", "Individual"], "WebApp", ["Security.Headers", "Security.Csp", "Security.Auth", "Security.CrossOrigin"], app =>
        {
            WebAppTemplateWiring.Apply(app);
            // Not README lines: an anonymous endpoint that throws, so the exception handler's page can be reached, and an
            // administrator, seeded as an app would in a seeding step.
            app.Replace("Program.cs", "app.Run();", $$"""
                app.MapGet("/harness/throw", string () => throw new InvalidOperationException("harness")).AllowAnonymous();
                using (var scope = app.Services.CreateScope())
                {
                    await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().CreateAsync(new IdentityRole("Admin"));
                    var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
                    var admin = new IdentityUser { UserName = "{{AdminEmail}}", Email = "{{AdminEmail}}", EmailConfirmed = true };
                    await users.CreateAsync(admin, "{{Password}}");
                    await users.AddToRoleAsync(admin, "Admin");
                }

                app.Run();
                """);
        });

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

        await visit.AssertFourthWrongPasswordIsLockedOutAsync(SignInAsync, ".validation-summary-errors", "/Identity/Account/Lockout");
    }

    [Test]
    public async Task New_user_confirms_signs_in_and_gets_a_styled_change_password_page()
    {
        await using var visit = await VisitAsync("Identity/Account/Register");
        var email = await RegisterAndConfirmAsync(visit.Page);
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
    public void Startup_logs_no_csp_policy_weakness()
    {
        // Event 3002 is the policy linter's warning: the README's policy must pass it.
        Assert.That(_app.Output, Does.Not.Contain("CspPolicyProvider[3002]"));
        Assert.That(_app.Output, Does.Contain("Application started."), "the log was read");
    }

    [Test]
    public async Task Anonymous_private_page_is_a_login_redirect()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync("Privacy");

        Assert.That(response.Headers.Location?.AbsolutePath, Is.EqualTo("/Identity/Account/Login"));
    }

    [Test]
    public async Task Csp_dashboard_is_for_administrators_only()
    {
        using var client = _app.CreateClient();
        using var anonymous = await client.GetAsync("csp-reports");
        Assert.That(anonymous.Headers.Location?.AbsolutePath, Is.EqualTo("/Identity/Account/Login"), "anonymous: sign in first");

        await using var user = await VisitAsync("Identity/Account/Register");
        var email = await RegisterAndConfirmAsync(user.Page);
        await user.Page.GotoAsync(_app.Url("Identity/Account/Login"));
        await SignInAsync(user.Page, email, Password);
        await ChangeExpiredPasswordAsync(user.Page);
        await user.Page.GotoAsync(_app.Url("csp-reports"));
        Assert.That(new Uri(user.Page.Url).AbsolutePath, Is.EqualTo("/Identity/Account/AccessDenied"), "a signed-in user without the role");

        await using var admin = await VisitAsync("Identity/Account/Login");
        await SignInAsync(admin.Page, AdminEmail, Password);
        // Users in role Admin are superusers, whom password expiry leaves alone unless IncludeSuperusers is set.
        await admin.Page.WaitForURLAsync(_app.Url(""));
        var page = await admin.Page.GotoAsync(_app.Url("csp-reports"));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(page?.Status, Is.EqualTo(200), "the administrator");
            Assert.That(await admin.Page.TextContentAsync("h1"), Is.EqualTo("CSP violation reports"));
            admin.AssertNoSilentFailure();
        });
    }

    // On the register page: a new user, confirmed through the link Identity's default UI shows without an e-mail sender.
    private static async Task<string> RegisterAndConfirmAsync(IPage page)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", Password);
        await page.FillAsync("#Input_ConfirmPassword", Password);
        await page.ClickAsync("#registerSubmit");
        await page.ClickAsync("#confirm-link");
        return email;
    }

    // A user's first sign-in lands on the change-password page (ExpireNewUsers); the new password lets them on.
    private static async Task ChangeExpiredPasswordAsync(IPage page)
    {
        await page.WaitForURLAsync("**/Identity/Account/Manage/ChangePassword");
        await page.FillAsync("#Input_OldPassword", Password);
        await page.FillAsync("#Input_NewPassword", NewPassword);
        await page.FillAsync("#Input_ConfirmPassword", NewPassword);
        await page.ClickAsync("#change-password-form button[type=submit]");
        await page.GetByText("Your password has been changed.").WaitForAsync();
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
        await using var visit = await PageVisit.OpenAsync(Browser, attacker.BaseAddress.ToString());

        var posted = visit.Page.WaitForResponseAsync(r => r.Request.Method == "POST");
        await visit.Page.ClickAsync("#send");
        var answer = await posted;

        Assert.That(answer.Status, Is.EqualTo(403));
        Assert.That(await answer.TextAsync(), Does.Contain("\"reason\":\"cross-site\""));
    }

    private Task<PageVisit> VisitAsync(string path) => PageVisit.OpenAsync(Browser, _app.Url(path));
}

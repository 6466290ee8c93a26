using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewEngines;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// Identity's default UI (a Razor class library the app cannot annotate) behind login-required with no exemption:
/// every page an anonymous user needs to sign in is reachable, the account pages are not.
/// </summary>
public sealed class LoginRequiredIdentityUiTests : IdentityAppFixture
{
    protected override IdentityTestAppOptions CreateOptions() =>
        new()
        {
            Environment = "Testing",
            ConfigureBuilder = builder => builder.Quiet(),
            Users = { ("alice@example.com", "Passw0rd!") },
            Identity = identity => identity.AddDefaultUI().AddDefaultTokenProviders(),
            ConfigureServices = services =>
            {
                services.AddRazorPages();
                // The UI's layout renders the app's own _LoginPartial, which the templates scaffold.
                services.Configure<MvcViewOptions>(o => o.ViewEngines.Insert(0, new EmptyLoginPartialViewEngine()));
                services.AddAuthorization();
                services.AddLoginRequired();
            },
            ConfigureApp = app =>
            {
                app.UseRouting();
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UseAuthorization();
                app.MapRazorPages();
            },
        };

    [TestCase("/Identity/Account/Login", "Log in")]
    [TestCase("/identity/account/login/", "Log in")]
    [TestCase("/Identity/Account/Lockout", "Locked out")]
    [TestCase("/Identity/Account/Register", "Register")]
    [TestCase("/Identity/Account/ForgotPassword", "Forgot your password?")]
    [TestCase("/Identity/Account/ForgotPasswordConfirmation", "Forgot password confirmation")]
    [TestCase("/Identity/Account/ResetPassword?code=abc", "Reset password")]
    [TestCase("/Identity/Account/ResendEmailConfirmation", "Resend email confirmation")]
    [TestCase("/Identity/Account/AccessDenied", "Access denied")]
    public async Task Pages_an_anonymous_user_needs_to_sign_in_are_reachable(string path, string title)
    {
        using var response = await App.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(title));
    }

    [TestCase("/Identity/Account/Manage")]
    [TestCase("/Identity/Account/Manage/ChangePassword")]
    [TestCase("/Identity/Account/Manage/PersonalData")]
    public async Task Account_pages_send_an_anonymous_user_to_the_ui_login_page(string path)
    {
        using var response = await App.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString,
            Is.EqualTo("http://localhost/Identity/Account/Login?ReturnUrl=" + Uri.EscapeDataString(path)));
    }

    [Test]
    public async Task Other_pages_of_the_app_send_an_anonymous_user_to_the_ui_login_page()
    {
        using var response = await App.Client.GetAsync("/reports?year=2026");
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/Identity/Account/Login?ReturnUrl=%2Freports%3Fyear%3D2026"));
    }

    [Test]
    public async Task Signing_in_through_the_ui_login_page_opens_the_account_pages()
    {
        using var client = App.NewClient();
        var form = await client.GetStringAsync("/Identity/Account/Login?ReturnUrl=%2FIdentity%2FAccount%2FManage");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signIn = await client.PostAsync("/Identity/Account/Login?ReturnUrl=%2FIdentity%2FAccount%2FManage", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "alice@example.com",
            ["Input.Password"] = "Passw0rd!",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");
        Assert.That(signIn.Headers.Location!.OriginalString, Is.EqualTo("/Identity/Account/Manage"));
        using var manage = await client.GetAsync("/Identity/Account/Manage");
        Assert.That(manage.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private sealed class EmptyLoginPartialViewEngine : IViewEngine, IView
    {
        public string Path => "_LoginPartial";

        public ViewEngineResult FindView(ActionContext context, string viewName, bool isMainPage) =>
            viewName == Path ? ViewEngineResult.Found(viewName, this) : ViewEngineResult.NotFound(viewName, []);

        public ViewEngineResult GetView(string? executingFilePath, string viewPath, bool isMainPage) => ViewEngineResult.NotFound(viewPath, []);

        public Task RenderAsync(ViewContext context) => Task.CompletedTask;
    }
}

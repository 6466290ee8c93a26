using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// What an anonymous visitor must reach with no exemption configured (static assets, re-executed error pages, the
/// cookie scheme's sign-in pages), and that none of it opens a page that is not one of these.
/// </summary>
public sealed class LoginRequiredPublicPagesTests
{
    private StaticAssetsWebRoot _webRoot = null!;

    [OneTimeSetUp]
    public void CreateWebRoot() => _webRoot = StaticAssetsWebRoot.Create("max-age=3600, must-revalidate");

    [OneTimeTearDown]
    public void DeleteWebRoot() => _webRoot.Dispose();

    private Task<AuthTestApp> StartAsync(Action<WebApplication>? beforeRouting = null) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                builder.Environment.WebRootFileProvider = new PhysicalFileProvider(_webRoot.Path);
                builder.Services.AddAuthentication(Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie(o =>
                    {
                        // Where Identity's default UI puts its pages.
                        o.LoginPath = "/Identity/Account/Login";
                        o.LogoutPath = "/Identity/Account/Logout";
                        o.AccessDeniedPath = "/Identity/Account/AccessDenied";
                    });
                builder.Services.AddAuthorization();
                builder.Services.AddLoginRequired();
            },
            app =>
            {
                beforeRouting?.Invoke(app);
                app.UseRouting();
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UseAuthorization();
                app.MapStaticAssets(_webRoot.Manifest);
                app.MapGet("/error", () => "error page");
                app.MapGet("/status/{code:int}", (int code) => "status page " + code);
                app.MapGet("/boom", string () => throw new InvalidOperationException("boom")).AllowAnonymous();
                app.MapGet("/missing", () => Results.NotFound()).AllowAnonymous();
                app.MapGet("/api/report.css", () => "not a file");
                app.MapGet("/account/register", () => "register").WithMetadata(new LoginNotRequiredAttribute());
                app.MapGet("/account/manage", () => "manage").WithMetadata(new LoginNotRequiredAttribute()).RequireAuthorization();
                app.MapFallback((HttpContext c) => "page " + c.Request.Path);
            });

    [Test]
    public async Task LoginNotRequired_page_is_public_and_its_own_authorize_still_sends_to_sign_in()
    {
        await using var app = await StartAsync();

        using var register = await app.Client.GetAsync("/account/register");
        using var manage = await app.Client.GetAsync("/account/manage");

        Assert.Multiple(() =>
        {
            Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a [LoginNotRequired] page");
            Assert.That(manage.StatusCode, Is.EqualTo(HttpStatusCode.Found), "[LoginNotRequired] with [Authorize]: authorization still challenges");
            Assert.That(manage.Headers.Location?.AbsolutePath, Is.EqualTo("/Identity/Account/Login"));
        });
    }

    [TestCase("/css/site.css")]
    [TestCase("/CSS/Site.css")]
    public async Task Static_asset_endpoint_from_MapStaticAssets_is_public(string path)
    {
        await using var app = await StartAsync();
        using var response = await app.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("body { color: black; }"));
        Assert.That(response.Headers.CacheControl?.MaxAge, Is.EqualTo(TimeSpan.FromHours(1)), "the asset's own caching is kept");
    }

    // The sign-in pages the cookie scheme declares are public in every spelling routing accepts; pages that only look
    // like them, or like static files, are not.
    [TestCase("/Identity/Account/Login", HttpStatusCode.OK)]
    [TestCase("/identity/account/login/", HttpStatusCode.OK)]
    [TestCase("/IDENTITY/ACCOUNT/LOGOUT", HttpStatusCode.OK)]
    [TestCase("/Identity/Account/AccessDenied", HttpStatusCode.OK)]
    [TestCase("/Identity/Account/Manage", HttpStatusCode.Found)]
    [TestCase("/Identity/Account/Login/more", HttpStatusCode.Found)]
    [TestCase("/Identity/Account/LoginX", HttpStatusCode.Found)]
    [TestCase("/css/other.css", HttpStatusCode.Found)]
    [TestCase("/api/report.css", HttpStatusCode.Found)]
    [TestCase("/css/site.css/more", HttpStatusCode.Found)]
    public async Task Sign_in_pages_are_public_and_look_alikes_are_not(string path, HttpStatusCode expected)
    {
        await using var app = await StartAsync();
        using var response = await app.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task Files_served_by_UseStaticFiles_before_login_required_are_public()
    {
        await using var app = await StartAsync(a => a.UseStaticFiles());
        Assert.That(await app.Client.GetStringAsync("/plain.txt"), Is.EqualTo("plain file"));
    }

    private static IEnumerable<TestCaseData> ReExecutions() =>
    [
        new TestCaseData((Action<WebApplication>)(a => a.UseExceptionHandler("/error")), "/boom", HttpStatusCode.InternalServerError, "error page", "/error")
            .SetArgDisplayNames("UseExceptionHandler"),
        new TestCaseData((Action<WebApplication>)(a => a.UseStatusCodePagesWithReExecute("/status/{0}")), "/missing", HttpStatusCode.NotFound, "status page 404", "/status/404")
            .SetArgDisplayNames("UseStatusCodePagesWithReExecute"),
    ];

    [TestCaseSource(nameof(ReExecutions))]
    public async Task Re_executed_error_page_is_public_but_a_direct_request_for_it_is_not(
        Action<WebApplication> errorPages, string failingPath, HttpStatusCode status, string errorPage, string errorPath)
    {
        await using var app = await StartAsync(errorPages);
        using var failed = await app.Client.GetAsync(failingPath);
        Assert.That(failed.StatusCode, Is.EqualTo(status));
        Assert.That(await failed.Content.ReadAsStringAsync(), Is.EqualTo(errorPage));

        using var direct = await app.Client.GetAsync(errorPath);
        Assert.That(direct.StatusCode, Is.EqualTo(HttpStatusCode.Found), "the error page itself is a page like any other");
    }
}

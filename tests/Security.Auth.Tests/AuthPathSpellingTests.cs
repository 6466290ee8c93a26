using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// Every spelling of a path that routing sends to one endpoint gets the same answer from every path rule of
/// Security.Auth: login-required exemptions and password-expiry exemptions (throttling sits in SignInManager, behind routing).
/// </summary>
public sealed class AuthPathSpellingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    // (name, how the canonical lower-case path is spelled on the wire)
    private static readonly (string Name, Func<string, string> Spell)[] Spellings =
    [
        ("lower", p => p),
        ("upper", p => p.ToUpperInvariant()),
        ("mixed", p => string.Join('/', p.Split('/').Select(s => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..]))),
        ("trailing slash", p => p + "/"),
        ("PathBase", p => "/app" + p),
        ("PathBase, upper, trailing slash", p => "/APP" + p.ToUpperInvariant() + "/"),
        ("percent-encoded letter", p => p[..(p.LastIndexOf('/') + 1)] + "%" + ((int)p[p.LastIndexOf('/') + 1]).ToString("X2") + p[(p.LastIndexOf('/') + 2)..]),
    ];

    private static IEnumerable<TestCaseData> Rows() => Spellings.Select(s => new TestCaseData(s.Spell).SetArgDisplayNames(s.Name));

    private Task<AuthTestApp> StartAsync(CapturingLoggerProvider? logs = null) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                }

                AuthTestApp.AddCookieAuth(builder, "/accounts/login");
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddLoginRequired(o =>
                {
                    o.ExemptPaths.Add("public/page/?$");
                    o.ExemptPaths.Add("health");
                });
                builder.Services.AddPasswordExpiry(o =>
                {
                    o.ChangePasswordUrl = "/account/change-password";
                    o.ExemptPaths.Add("account/logout/?$");
                });
            },
            app =>
            {
                app.UsePathBase("/app");
                app.UseRouting();
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UsePasswordExpiry();
                app.UseAuthorization();
                AuthTestApp.MapTestSignIn(app);
                app.MapPost("/account/login", () => "invalid login").AllowAnonymous();
                app.MapGet("/accounts/login", () => "login page");
                app.MapGet("/account/change-password", () => "change form");
                app.MapGet("/public/page", () => "public");
                app.MapGet("/private/page", () => "private");
                app.MapGet("/account/logout", () => "bye");
            });

    [TestCaseSource(nameof(Rows))]
    public async Task Login_required_exemption_covers_every_spelling(Func<string, string> spell)
    {
        await using var app = await StartAsync();
        using var exempt = await app.Client.GetAsync(spell("/public/page"));
        Assert.That(await exempt.Content.ReadAsStringAsync(), Is.EqualTo("public"));
        using var loginPage = await app.Client.GetAsync(spell("/accounts/login"));
        Assert.That(await loginPage.Content.ReadAsStringAsync(), Is.EqualTo("login page"), "the login page itself");
        using var guarded = await app.Client.GetAsync(spell("/private/page"));
        Assert.That(guarded.StatusCode, Is.EqualTo(HttpStatusCode.Found), "a page that is not exempt");
    }

    [TestCaseSource(nameof(Rows))]
    public async Task Password_expiry_exemption_covers_every_spelling(Func<string, string> spell)
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var exempt = await app.Client.GetAsync(spell("/account/logout"));
        Assert.That(await exempt.Content.ReadAsStringAsync(), Is.EqualTo("bye"));
        using var change = await app.Client.GetAsync(spell("/account/change-password"));
        Assert.That(await change.Content.ReadAsStringAsync(), Is.EqualTo("change form"), "the change page itself");
        using var guarded = await app.Client.GetAsync(spell("/private/page"));
        Assert.That(guarded.StatusCode, Is.EqualTo(HttpStatusCode.Found), "a page that is not exempt");
    }

    [Test]
    public async Task Under_PathBase_the_login_url_stays_inside_the_app_for_redirects_and_AJAX()
    {
        await using var app = await StartAsync();
        using var redirect = await app.Client.GetAsync("/app/private/page");
        Assert.That(redirect.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/app/accounts/login?ReturnUrl=%2Fapp%2Fprivate%2Fpage"));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/app/private/page");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var ajax = await app.Client.SendAsync(request);
        Assert.That(await ajax.Content.ReadAsStringAsync(), Is.EqualTo("{\"login_url\":\"/app/accounts/login\"}"));
    }

    [Test]
    public async Task Under_PathBase_an_expired_password_is_sent_to_the_change_page_inside_the_app()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var response = await app.Client.GetAsync("/app/private/page");
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/app/account/change-password"));
    }

    [Test]
    public async Task Exemption_that_over_matches_is_reported_once_at_startup()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(logs);
        using (await app.Client.GetAsync("/private/page"))
        using (await app.Client.GetAsync("/private/page"))
        {
        }

        var warnings = logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.Contains("also exempts", StringComparison.Ordinal)).Select(l => l.Message).ToArray();
        Assert.That(warnings, Is.EqualTo(new[] { "A path pattern matches more paths than it names: Security:Auth:LoginRequired:ExemptPaths[1] 'health' also exempts '/health-admin'; end it with '$' or '(/|$)'." }));
    }

}

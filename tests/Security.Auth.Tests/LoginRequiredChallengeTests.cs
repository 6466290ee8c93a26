using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Auth.Tests;

/// <summary>
/// Anonymous requests get the default challenge scheme's own answer: the cookie handler's redirect (its LoginPath,
/// ReturnUrlParameter, PathBase), its 401 for API endpoints, a bearer scheme's 401; a setting with no scheme to ask
/// stops the app at startup.
/// </summary>
public sealed class LoginRequiredChallengeTests
{
    private static Task<AuthTestApp> StartAsync(bool loginRequired, Action<LoginRequiredOptions>? configure = null, Action<WebApplication>? beforeLoginRequired = null) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder);
                if (loginRequired)
                {
                    builder.Services.AddLoginRequired(configure);
                }
            },
            app =>
            {
                app.UseRouting();
                app.UseAuthentication();
                beforeLoginRequired?.Invoke(app);
                if (loginRequired)
                {
                    app.UseLoginRequired();
                }

                app.UseAuthorization();
                MapEndpoints(app, requireAuthorization: !loginRequired);
            });

    // The same endpoints in both apps; without login-required, authorization asks the cookie handler itself.
    private static void MapEndpoints(WebApplication app, bool requireAuthorization)
    {
        var endpoints = app.MapGroup("");
        if (requireAuthorization)
        {
            endpoints.RequireAuthorization();
        }

        endpoints.MapGet("/api/items", () => new[] { new Item("a") });
        endpoints.MapGet("/api/typed", () => TypedResults.Ok(new Item("b")));
        endpoints.MapGet("/api/marked", () => "text").DisableCookieRedirect();
        endpoints.MapGet("/api/redirect-allowed", () => new Item("c")).AllowCookieRedirect();
        endpoints.MapFallback((HttpContext c) => "page " + c.Request.Path);
    }

    private sealed record Item(string Name);

    public static readonly string[] PageUrls =
    [
        "/home/",
        "/custom-path/?priority=7,8,9,10&type=Custom",
        "/caf%C3%A9 menu/?q=a b",
        "/Home/Index?x=1&y=%2F&z=%26",
        "/deep/path/page?e=%E2%82%AC&f=%22",
    ];

    private AuthTestApp _guarded = null!;
    private AuthTestApp _framework = null!;

    [OneTimeSetUp]
    public async Task StartBothAsync()
    {
        _guarded = await StartAsync(loginRequired: true);
        _framework = await StartAsync(loginRequired: false);
    }

    [OneTimeTearDown]
    public async Task StopBothAsync()
    {
        await _guarded.DisposeAsync();
        await _framework.DisposeAsync();
    }

    // The same anonymous request to the app with login-required and to the one where authorization challenges.
    private async Task<(HttpResponseMessage Ours, HttpResponseMessage Theirs)> SendToBothAsync(string url, HttpStatusCode expected)
    {
        var ours = await _guarded.Client.GetAsync(url);
        var theirs = await _framework.Client.GetAsync(url);
        Assert.That(theirs.StatusCode, Is.EqualTo(expected), "the framework's own challenge");
        Assert.That(ours.StatusCode, Is.EqualTo(expected));
        return (ours, theirs);
    }

    [TestCaseSource(nameof(PageUrls))]
    public async Task Redirect_is_what_the_cookie_handlers_own_challenge_gives(string url)
    {
        var (ours, theirs) = await SendToBothAsync(url, HttpStatusCode.Found);
        Assert.That(ours.Headers.Location, Is.EqualTo(theirs.Headers.Location));
    }

    [TestCase("/app", "/home/", "?a=1")]
    [TestCase("/APP", "/Home", "")]
    public async Task Under_PathBase_the_redirect_is_the_cookie_handlers_too(string pathBase, string path, string query)
    {
        static void Request(HttpContext c, string pathBase, string path, string query)
        {
            c.Request.PathBase = pathBase;
            c.Request.Path = path;
            c.Request.QueryString = new QueryString(query);
        }

        var ours = await _guarded.Server.SendAsync(c => Request(c, pathBase, path, query));
        var theirs = await _framework.Server.SendAsync(c => Request(c, pathBase, path, query));
        Assert.That(ours.Response.StatusCode, Is.EqualTo(302));
        Assert.That(ours.Response.Headers.Location.ToString(), Is.EqualTo(theirs.Response.Headers.Location.ToString()));
        Assert.That(ours.Response.Headers.Location.ToString(), Does.StartWith("http://localhost" + pathBase + "/accounts/login/?ReturnUrl="));
    }

    [Test]
    public async Task Return_url_carries_the_path_and_query_for_the_login_page_to_read()
    {
        using var response = await _guarded.Client.GetAsync("/custom-path/?priority=7,8,9,10&type=Custom");
        var location = response.Headers.Location!;
        Assert.That(location.GetLeftPart(UriPartial.Path), Is.EqualTo("http://localhost/accounts/login/"));
        Assert.That(QueryHelpers.ParseQuery(location.Query)["ReturnUrl"].ToString(), Is.EqualTo("/custom-path/?priority=7,8,9,10&type=Custom"));
    }

    [TestCase("/api/items", Description = "minimal API writing JSON")]
    [TestCase("/api/typed", Description = "TypedResults")]
    [TestCase("/api/marked", Description = ".DisableCookieRedirect()")]
    public async Task Api_endpoint_gets_401_not_a_redirect_as_the_cookie_handler_decides(string path)
    {
        var (ours, _) = await SendToBothAsync(path, HttpStatusCode.Unauthorized);
        Assert.That(await ours.Content.ReadAsStringAsync(), Is.Empty, "no page, no data");
    }

    [Test]
    public async Task Api_endpoint_that_allows_cookie_redirects_is_redirected()
    {
        using var response = await _guarded.Client.GetAsync("/api/redirect-allowed");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
    }

    [Test]
    public async Task Configured_login_url_changes_where_a_redirect_goes_but_an_api_endpoint_still_gets_401()
    {
        await using var app = await StartAsync(loginRequired: true, o => o.LoginUrl = "https://sso.example.com/login?app=1");
        using var page = await app.Client.GetAsync("/home/?a=b");
        Assert.That(page.Headers.Location!.OriginalString, Is.EqualTo("https://sso.example.com/login?app=1&ReturnUrl=%2Fhome%2F%3Fa%3Db"));
        using var api = await app.Client.GetAsync("/api/items");
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(api.Headers.Location?.OriginalString, Is.Not.EqualTo("https://sso.example.com/login?app=1&ReturnUrl=%2Fapi%2Fitems"));
    }

    [Test]
    public async Task Per_request_login_url_changes_a_redirect_but_an_api_endpoint_still_gets_401()
    {
        await using var app = await StartAsync(loginRequired: true, beforeLoginRequired: a => a.Use((c, next) => { c.SetLoginUrl("/tenants/acme/login"); return next(c); }));
        using var page = await app.Client.GetAsync("/home/");
        Assert.That(page.Headers.Location!.OriginalString, Is.EqualTo("/tenants/acme/login"));
        using var api = await app.Client.GetAsync("/api/items");
        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Ajax_request_to_an_api_endpoint_gets_401_with_the_login_url_as_json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/items");
        request.Headers.Add("X-Requested-With", "xmlhttprequest");
        using var response = await _guarded.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"login_url\":\"/accounts/login/\"}"));
    }

    [Test]
    public async Task Bearer_default_challenge_scheme_answers_with_its_own_401()
    {
        await using var app = await AuthTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication(IdentityConstants.BearerScheme).AddBearerToken(IdentityConstants.BearerScheme);
                builder.Services.AddLoginRequired();
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.MapGet("/health", () => "ok").AllowAnonymous();
                app.MapFallback(() => "page");
            });
        using var page = await app.Client.GetAsync("/home");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(page.Headers.Location, Is.Null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/home");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var ajax = await app.Client.SendAsync(request);
        Assert.That(ajax.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await ajax.Content.ReadAsStringAsync(), Is.Empty, "there is no login page to name");
        Assert.That(await app.Client.GetStringAsync("/health"), Is.EqualTo("ok"));
    }

    [Test]
    public void No_default_challenge_scheme_stops_the_app_at_startup_naming_the_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AuthTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication()
                    .AddCookie("one")
                    .AddScheme<AuthenticationSchemeOptions, NoResultHandler>("two", null);
                builder.Services.AddLoginRequired(o => o.LoginUrl = "/login");
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
            }));
        Assert.That(error!.Message, Does.Contain("AuthenticationOptions.DefaultChallengeScheme"));
        Assert.That(error.Message, Does.Contain("Security:Auth:LoginRequired"));
    }

    // WebApplication adds UseAuthentication() itself when authentication is registered, so "no authentication" is a
    // missing registration, found at startup rather than on the first request.
    [Test]
    public void No_authentication_at_all_stops_the_app_at_startup()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AuthTestApp.StartAsync(
            builder => builder.Services.AddLoginRequired(),
            app =>
            {
                app.UseLoginRequired();
                app.MapFallback(() => "page");
            }));
        Assert.That(error!.Message, Does.Contain("no authentication is registered"));
    }

    [Test]
    public void Return_parameter_without_a_login_url_stops_the_app_naming_the_cookie_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(loginRequired: true, o => o.ReturnUrlParameter = "next"));
        Assert.That(error!.Message, Does.Contain("Security:Auth:LoginRequired:ReturnUrlParameter: 'next' applies only to redirects to Security:Auth:LoginRequired:LoginUrl"));
        Assert.That(error.Message, Does.Contain("CookieAuthenticationOptions.ReturnUrlParameter"));
    }

    [Test]
    public async Task Cookie_schemes_own_return_parameter_is_used()
    {
        await using var app = await AuthTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie(o => { o.LoginPath = "/login"; o.ReturnUrlParameter = "next"; });
                builder.Services.AddLoginRequired();
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.MapFallback(() => "page");
            });
        using var response = await app.Client.GetAsync("/home");
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/login?next=%2Fhome"));
    }
}

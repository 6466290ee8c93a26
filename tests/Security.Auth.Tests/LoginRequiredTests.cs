using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Tests;

public sealed class LoginRequiredTests
{
    private static Task<AuthTestApp> StartAsync(Action<LoginRequiredOptions>? configure = null, Action<WebApplication>? beforeLoginRequired = null, Action<IServiceCollection>? services = null) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder);
                builder.Services.AddLoginRequired(configure);
                services?.Invoke(builder.Services);
            },
            app =>
            {
                app.UseRouting();
                app.UseAuthentication();
                beforeLoginRequired?.Invoke(app);
                app.UseLoginRequired();
                app.UseAuthorization();
                AuthTestApp.MapTestSignIn(app);
                app.MapGet("/whoami", (HttpContext c) => c.User.Identity?.IsAuthenticated == true ? c.User.Identity.Name! : "anonymous");
                app.MapGet("/open", () => "open").AllowAnonymous();
                app.MapFallback((HttpContext c) => "page " + c.Request.Path);
            });

    [Test]
    public async Task Anonymous_request_is_redirected_to_the_login_url_with_the_path()
    {
        await using var app = await StartAsync();
        using var response = await app.Client.GetAsync("/home/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/accounts/login/?ReturnUrl=%2Fhome%2F"));
    }

    // The cookie handler's encoding, not the original's quote_plus: the login page reads back the same path and query.
    [Test]
    public async Task Query_string_is_part_of_the_return_url()
    {
        await using var app = await StartAsync();
        using var response = await app.Client.GetAsync("/custom-path/?priority=7,8,9,10&type=Custom");
        Assert.That(response.Headers.Location!.OriginalString,
            Is.EqualTo("http://localhost/accounts/login/?ReturnUrl=%2Fcustom-path%2F%3Fpriority%3D7,8,9,10%26type%3DCustom"));
    }

    [Test]
    public async Task A_scheme_that_is_not_a_cookie_scheme_answers_with_its_own_challenge_even_with_a_login_url()
    {
        await using var app = await AuthTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, NoResultHandler>("Header", null);
                builder.Services.AddLoginRequired(o => o.LoginUrl = "/login");
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.MapFallback(() => "page");
            });
        using var response = await app.Client.GetAsync("/home/?a=b");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the scheme's own 401: LoginUrl changes where a redirect goes, never whether there is one");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/home/");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var ajax = await app.Client.SendAsync(request);
        Assert.That(await ajax.Content.ReadAsStringAsync(), Is.EqualTo("{\"login_url\":\"/login\"}"));
    }

    [Test]
    public async Task Configured_login_url_wins_and_an_existing_query_is_extended()
    {
        await using var app = await StartAsync(o => { o.LoginUrl = "https://sso.example.com/login?app=1"; o.ReturnUrlParameter = "next"; });
        using var response = await app.Client.GetAsync("/home/");
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("https://sso.example.com/login?app=1&next=%2Fhome%2F"));
    }

    [Test]
    public async Task Path_and_query_are_percent_encoded_as_utf8()
    {
        await using var app = await StartAsync();
        using var response = await app.Client.GetAsync("/caf%C3%A9 menu/?q=a b");
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/accounts/login/?ReturnUrl=%2Fcaf%25C3%25A9%2520menu%2F%3Fq%3Da%2520b"));
    }

    [Test]
    public async Task Path_base_is_part_of_the_login_url_and_of_the_return_path()
    {
        await using var app = await StartAsync();
        var response = await app.Server.SendAsync(c => { c.Request.PathBase = "/app"; c.Request.Path = "/home/"; });
        Assert.That(response.Response.Headers.Location.ToString(), Is.EqualTo("http://localhost/app/accounts/login/?ReturnUrl=%2Fapp%2Fhome%2F"));
    }

    [Test]
    public async Task Configured_local_login_url_is_relative_to_the_path_base()
    {
        await using var app = await StartAsync(o => { o.LoginUrl = "/sign-in"; o.ReturnUrlParameter = "next"; });
        var response = await app.Server.SendAsync(c => { c.Request.PathBase = "/app"; c.Request.Path = "/home/"; });
        Assert.That(response.Response.Headers.Location.ToString(), Is.EqualTo("/app/sign-in?next=%2Fapp%2Fhome%2F"));
        var login = await app.Server.SendAsync(c => { c.Request.PathBase = "/app"; c.Request.Path = "/SIGN-IN/"; });
        Assert.That(login.Response.StatusCode, Is.EqualTo(200), "the configured login page itself is public");
    }

    [Test]
    public async Task Ajax_request_gets_401_with_the_login_url_as_json()
    {
        await using var app = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/home/");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var response = await app.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"login_url\":\"/accounts/login/\"}"));
    }

    [Test]
    public async Task Authenticated_user_passes()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/whoami"), Is.EqualTo("alice"));
    }

    [TestCase("/accounts/login/")]
    [TestCase("/ACCOUNTS/LOGIN/")]
    public async Task Login_path_itself_is_exempt(string path)
    {
        await using var app = await StartAsync();
        using var response = await app.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("/public/", HttpStatusCode.OK)]
    [TestCase("/public/deep/page", HttpStatusCode.OK)]
    [TestCase("/exact/", HttpStatusCode.OK)]
    [TestCase("/exact/more", HttpStatusCode.Found)]
    [TestCase("/not/public/", HttpStatusCode.Found)]
    [TestCase("/private/", HttpStatusCode.Found)]
    public async Task Exempt_patterns_match_from_the_start_of_the_path_without_its_slash(string path, HttpStatusCode expected)
    {
        await using var app = await StartAsync(o => { o.ExemptPaths.Add("public/"); o.ExemptPaths.Add("exact/$"); });
        using var response = await app.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task AllowAnonymous_endpoint_is_exempt()
    {
        await using var app = await StartAsync();
        Assert.That(await app.Client.GetStringAsync("/open"), Is.EqualTo("open"));
    }

    [Test]
    public async Task Inactive_user_is_logged_out_through_the_hook_then_redirected()
    {
        var logout = new RecordingLogoutHandler();
        await using var app = await StartAsync(
            o => o.IsInactive = (_, user) => ValueTask.FromResult(user.Identity!.Name == "bob"),
            services: s => s.AddSingleton<ISecurityLogoutHandler>(logout));
        await app.SignInAsync("bob");
        using var response = await app.Client.GetAsync("/home/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/accounts/login/?ReturnUrl=%2Fhome%2F"));
        Assert.That(logout.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Inactive_user_on_an_exempt_path_is_served_as_anonymous()
    {
        await using var app = await StartAsync(o => { o.ExemptPaths.Add("whoami"); o.IsInactive = (_, _) => ValueTask.FromResult(true); });
        await app.SignInAsync("bob");
        Assert.That(await app.Client.GetStringAsync("/whoami"), Is.EqualTo("anonymous"));
        // The default logout handler signed the cookie out: the next request is anonymous too.
        using var response = await app.Client.GetAsync("/home/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
    }

    [Test]
    public async Task Active_user_is_not_logged_out()
    {
        var logout = new RecordingLogoutHandler();
        await using var app = await StartAsync(o => o.IsInactive = (_, _) => ValueTask.FromResult(false), services: s => s.AddSingleton<ISecurityLogoutHandler>(logout));
        await app.SignInAsync("carol");
        Assert.That(await app.Client.GetStringAsync("/whoami"), Is.EqualTo("carol"));
        Assert.That(logout.Calls, Is.Zero);
    }

    [Test]
    public async Task Per_request_login_url_is_used_without_a_return_parameter()
    {
        await using var app = await StartAsync(beforeLoginRequired: a => a.Use((c, next) => { c.SetLoginUrl("/custom-login/"); return next(c); }));
        using var response = await app.Client.GetAsync("/home/?x=1");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/custom-login/"));
    }

    [Test]
    public async Task Per_request_login_url_is_the_ajax_login_url()
    {
        await using var app = await StartAsync(beforeLoginRequired: a => a.Use((c, next) => { c.SetLoginUrl("/custom-login/"); return next(c); }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/home/");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var response = await app.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("login_url").GetString(), Is.EqualTo("/custom-login/"));
    }

    [Test]
    public async Task Per_request_login_path_is_itself_exempt()
    {
        await using var app = await StartAsync(beforeLoginRequired: a => a.Use((c, next) => { c.SetLoginUrl("/custom-login/"); return next(c); }));
        using var response = await app.Client.GetAsync("/custom-login/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void Invalid_options_fail_at_start_naming_every_option_and_value()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder);
                builder.Services.AddLoginRequired(o =>
                {
                    o.LoginUrl = "//evil.example/login";
                    o.ReturnUrlParameter = "a b";
                    o.ExemptPaths.Add("(unclosed");
                    o.ValidationInterval = TimeSpan.FromSeconds(-1);
                });
            },
            app => app.UseLoginRequired()));
        Assert.That(error!.Failures, Has.Exactly(4).Items);
        Assert.That(error.Message, Does.Contain("Security:Auth:LoginRequired:LoginUrl: '//evil.example/login'"));
        Assert.That(error.Message, Does.Contain("Security:Auth:LoginRequired:ReturnUrlParameter: 'a b'"));
        Assert.That(error.Message, Does.Contain("Security:Auth:LoginRequired:ExemptPaths[0] '(unclosed'"));
        Assert.That(error.Message, Does.Contain("Security:Auth:LoginRequired:ValidationInterval: '-00:00:01' must be from 00:00:00"));
    }

    [Test]
    public async Task Options_bind_from_configuration_and_code_wins()
    {
        await using var app = await AuthTestApp.StartAsync(
            builder =>
            {
                builder.Configuration["Security:Auth:LoginRequired:LoginUrl"] = "/from-config";
                builder.Configuration["Security:Auth:LoginRequired:ReturnUrlParameter"] = "back";
                builder.Configuration["Security:Auth:LoginRequired:ExemptPaths:0"] = "health$";
                AuthTestApp.AddCookieAuth(builder);
                builder.Services.AddLoginRequired(o => o.ReturnUrlParameter = "next");
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.MapFallback(() => "page");
            });
        using var health = await app.Client.GetAsync("/health");
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var response = await app.Client.GetAsync("/home");
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/from-config?next=%2Fhome"));
    }

    private sealed class RecordingLogoutHandler : ISecurityLogoutHandler
    {
        private readonly DefaultSecurityLogoutHandler _inner = new();
        private int _calls;

        public int Calls => _calls;

        public Task LogoutAsync(HttpContext context)
        {
            Interlocked.Increment(ref _calls);
            return _inner.LogoutAsync(context);
        }
    }
}

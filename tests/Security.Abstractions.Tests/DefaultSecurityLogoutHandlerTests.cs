using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Text.Encodings.Web;
using Security.Testing;

namespace Security.Abstractions.Tests;

public class DefaultSecurityLogoutHandlerTests
{
    private static Task<TestApp> StartAppAsync(Action<IServiceCollection>? extraServices = null) => StartAsync(
        services =>
        {
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            services.AddDistributedMemoryCache();
            services.AddSession();
            services.AddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>();
            extraServices?.Invoke(services);
        },
        app =>
        {
            app.UseSession();
            app.UseAuthentication();
            app.MapGet("/login", async (HttpContext context) =>
            {
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(new ClaimsPrincipal(identity));
                context.Session.SetString("cart", "42");
                return "signed in";
            });
            app.MapGet("/logout", async (HttpContext context, ISecurityLogoutHandler handler) =>
            {
                var before = context.User.Identity?.IsAuthenticated == true;
                await handler.LogoutAsync(context);
                var after = context.User.Identity?.IsAuthenticated == true;
                return $"{before}|{after}|{context.Session.GetString("cart") ?? "(none)"}";
            });
            app.MapGet("/state", (HttpContext context) =>
                $"{context.User.Identity?.Name ?? "(anonymous)"}|{context.Session.GetString("cart") ?? "(none)"}");
        });

    [Test]
    public async Task Logout_deletes_the_auth_cookie_clears_the_session_and_makes_the_user_anonymous()
    {
        await using var app = await StartAppAsync();
        using var client = app.CreateClient(new CookieContainer());

        await client.GetStringAsync("/login");
        Assert.That(await client.GetStringAsync("/state"), Is.EqualTo("alice|42"));

        using var response = await client.GetAsync("/logout");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("True|False|(none)"));
        var deletion = response.Headers.GetValues("Set-Cookie")
            .SingleOrDefault(c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
        Assert.That(deletion, Is.Not.Null);
        Assert.That(deletion, Does.StartWith(".AspNetCore.Cookies=;"));
        var expires = deletion!.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
        Assert.That(DateTimeOffset.Parse(expires["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture), Is.LessThan(DateTimeOffset.UtcNow));

        Assert.That(await client.GetStringAsync("/state"), Is.EqualTo("(anonymous)|(none)"));
    }

    [Test]
    public async Task Logout_of_an_anonymous_request_without_a_session_value_does_not_throw()
    {
        await using var app = await StartAppAsync();
        using var client = app.CreateClient(new CookieContainer());

        Assert.That(await client.GetStringAsync("/logout"), Is.EqualTo("False|False|(none)"));
    }

    [Test]
    public async Task Logout_without_authentication_or_session_registered_does_not_throw()
    {
        await using var app = await StartAsync(
            services => services.AddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>(),
            app => app.MapGet("/logout", async (HttpContext context, ISecurityLogoutHandler handler) =>
            {
                context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test"));
                await handler.LogoutAsync(context);
                return context.User.Identity?.IsAuthenticated == true ? "authenticated" : "anonymous";
            }));
        var client = app.Client;

        using var response = await client.GetAsync("/logout");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("anonymous"));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
    }

    [Test]
    public async Task Logout_when_the_default_scheme_cannot_sign_out_does_not_throw()
    {
        await using var app = await StartAsync(
            services =>
            {
                services.AddAuthentication("Token").AddScheme<AuthenticationSchemeOptions, TokenOnlyHandler>("Token", null);
                services.AddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>();
            },
            app => app.MapGet("/logout", async (HttpContext context, ISecurityLogoutHandler handler) =>
            {
                await handler.LogoutAsync(context);
                return context.User.Identity?.IsAuthenticated == true ? "authenticated" : "anonymous";
            }));
        var client = app.Client;

        using var response = await client.GetAsync("/logout");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("anonymous"));
    }

    // Quiet logs: the tests read responses, not the console.
    private static Task<TestApp> StartAsync(Action<IServiceCollection> services, Action<WebApplication> pipeline) =>
        TestHost.StartAsync(services, pipeline, configureBuilder: builder => builder.Logging.ClearProviders());

    [Test]
    public void Null_context_is_rejected()
    {
        Assert.ThrowsAsync<ArgumentNullException>(() => new DefaultSecurityLogoutHandler().LogoutAsync(null!));
    }

    // A bearer-token-like scheme: it authenticates but has no sign-out (as JwtBearer).
    private sealed class TokenOnlyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}

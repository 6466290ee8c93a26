using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>A started app on a TestServer (environment <c>Testing</c>, no log output), with a cookie-keeping client.</summary>
internal sealed class AuthTestApp : IAsyncDisposable
{
    private readonly TestApp _host;

    private AuthTestApp(TestApp host)
    {
        _host = host;
        Client = NewClient();
    }

    public WebApplication App => _host.App;

    public TestServer Server => _host.Server;

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Another browser: a client with its own, empty cookie jar.</summary>
    public HttpClient NewClient() => _host.CreateClient(new CookieContainer());

    public static async Task<AuthTestApp> StartAsync(Action<WebApplicationBuilder> configureServices, Action<WebApplication> configurePipeline) =>
        new(await TestHost.StartAsync(
            null,
            configurePipeline,
            environment: "Testing",
            configureBuilder: builder =>
            {
                builder.Logging.ClearProviders();
                configureServices(builder);
            }));

    /// <summary>Cookie authentication with a <c>/test/signin?name=..&amp;role=..</c> endpoint.</summary>
    public static void AddCookieAuth(WebApplicationBuilder builder, string loginPath = "/accounts/login/")
    {
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o => o.LoginPath = loginPath);
        builder.Services.AddAuthorization();
    }

    public static void MapTestSignIn(WebApplication app) =>
        app.MapGet("/test/signin", async (HttpContext context, string name, string? role) =>
        {
            var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.NameIdentifier, "id-" + name) };
            if (role is not null)
            {
                claims.Add(new Claim(ClaimTypes.Role, role));
            }

            await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.Ok();
        }).AllowAnonymous();

    public async Task SignInAsync(string name, string? role = null, HttpClient? client = null)
    {
        var url = "/test/signin?name=" + Uri.EscapeDataString(name) + (role is null ? "" : "&role=" + role);
        using var response = await (client ?? Client).GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "test sign-in");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
    }
}

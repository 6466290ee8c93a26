using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Security.Auth.Tests;

/// <summary>A started app on a TestServer, with a cookie-keeping client.</summary>
internal sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app)
    {
        App = app;
        Server = app.GetTestServer();
        Client = NewClient();
    }

    public WebApplication App { get; }

    public TestServer Server { get; }

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public HttpClient NewClient() =>
        new(new CookieHandler(Server.CreateHandler())) { BaseAddress = new Uri("http://localhost/") };

    public static async Task<TestApp> StartAsync(Action<WebApplicationBuilder> configureServices, Action<WebApplication> configurePipeline)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        configureServices(builder);
        var app = builder.Build();
        configurePipeline(app);
        await app.StartAsync();
        return new TestApp(app);
    }

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
        await App.DisposeAsync();
    }

    private sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly CookieContainer _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var header = _cookies.GetCookieHeader(uri);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    _cookies.SetCookies(uri, value);
                }
            }

            return response;
        }
    }
}

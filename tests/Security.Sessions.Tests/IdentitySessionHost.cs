using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Security.Testing;

namespace Security.Sessions.Tests;

/// <summary>
/// A real ASP.NET Core Identity app (SQLite, sliding application cookie, security stamp validated
/// every minute so the cookie is renewed) with session and session expiry, all on one fake clock;
/// the session lives in a cache the test can take down.
/// </summary>
internal sealed class IdentitySessionHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 2, 1, 9, 0, 0, TimeSpan.Zero);
    public const string Password = "Passw0rd";
    public const string AuthCookie = ".AspNetCore.Identity.Application";
    public const string SessionCookie = ".AspNetCore.Session";

    private readonly IdentityTestApp _app;

    private IdentitySessionHost(IdentityTestApp app, FakeTimeProvider time, SwitchableCache cache)
    {
        _app = app;
        Time = time;
        Cache = cache;
    }

    public FakeTimeProvider Time { get; }

    public SwitchableCache Cache { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A client that keeps no cookies: the test writes the Cookie header itself.</summary>
    public HttpClient RawClient => _app.RawClient;

    /// <summary>Starts the app with users alice and bob; the absolute timeout is two hours unless <paramref name="configure"/> changes it.</summary>
    public static async Task<IdentitySessionHost> StartAsync(Action<SessionExpiryOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Epoch);
        var cache = new SwitchableCache();
        var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = time,
            Users = { ("alice", Password), ("bob", Password) },
            IdentityOptions = o => o.Password.RequireNonAlphanumeric = false,
            ConfigureBuilder = builder => builder.Logging.ClearProviders().AddFakeLogging(),
            ConfigureServices = services =>
            {
                services.ConfigureApplicationCookie(o =>
                {
                    o.SlidingExpiration = true;
                    o.TimeProvider = time;
                });
                // Validated (and so renewed) on every request more than a minute after the last renewal.
                services.Configure<SecurityStampValidatorOptions>(o =>
                {
                    o.ValidationInterval = TimeSpan.FromMinutes(1);
                    o.TimeProvider = time;
                });
                services.AddSingleton<IDistributedCache>(cache);
                services.AddSession();
                services.AddSessionExpiry(o =>
                {
                    o.AbsoluteTimeout = TimeSpan.FromHours(2);
                    configure?.Invoke(o);
                });
            },
            ConfigureApp = app =>
            {
                app.UseSession();
                app.UseAuthentication();
                app.UseSessionExpiry();
                MapEndpoints(app);
            },
        });
        return new IdentitySessionHost(app, time, cache);
    }

    private static void MapEndpoints(WebApplication app)
    {
        // The app's login code, unchanged: Identity's SignInManager only.
        app.MapPost("/login", async (HttpContext context, SignInManager<IdentityUser> signIn) =>
        {
            var form = await context.Request.ReadFormAsync();
            var result = await signIn.PasswordSignInAsync(form["username"].ToString(), Password, isPersistent: false, lockoutOnFailure: false);
            return result.Succeeded ? Results.Text("signed in") : Results.Text("refused", statusCode: 401);
        });
        app.MapPost("/logout", async (SignInManager<IdentityUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return "signed out";
        });
        app.MapPost("/refresh", async (HttpContext context, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) =>
        {
            await signIn.RefreshSignInAsync((await users.GetUserAsync(context.User))!);
            return "refreshed";
        });
        app.MapGet("/", () => "home");
        app.MapGet("/whoami", (HttpContext context) => context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name! : "anonymous");
        app.MapGet("/data/set/{value}", (HttpContext context, string value) =>
        {
            context.Session.SetString("data", value);
            return "set";
        });
        app.MapGet("/data", (HttpContext context) => context.Session.GetString("data") ?? "empty");
    }

    /// <summary>A new browser with its own cookie jar.</summary>
    public TestBrowser NewBrowser()
    {
        var cookies = new CookieContainer();
        return new TestBrowser(_app.Host.CreateClient(cookies), cookies);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

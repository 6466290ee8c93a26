using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
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

    private readonly TestApp _host;
    private readonly SqliteConnection _connection;

    private IdentitySessionHost(TestApp host, SqliteConnection connection, FakeTimeProvider time, SwitchableCache cache)
    {
        _host = host;
        _connection = connection;
        Time = time;
        Cache = cache;
    }

    public FakeTimeProvider Time { get; }

    public SwitchableCache Cache { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>A client that keeps no cookies: the test writes the Cookie header itself.</summary>
    public HttpClient RawClient => _host.Client;

    /// <summary>Starts the app with users alice and bob; the absolute timeout is two hours unless <paramref name="configure"/> changes it.</summary>
    public static async Task<IdentitySessionHost> StartAsync(Action<SessionExpiryOptions>? configure = null)
    {
        var time = new FakeTimeProvider(Epoch);
        var cache = new SwitchableCache();
        var connection = new SqliteConnection("DataSource=:memory:");
        await connection.OpenAsync();
        var host = await TestHost.StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddDbContext<IdentityDbContext>(o => o.UseSqlite(connection));
                services.AddIdentity<IdentityUser, IdentityRole>(o => o.Password.RequireNonAlphanumeric = false)
                    .AddEntityFrameworkStores<IdentityDbContext>();
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
            app =>
            {
                app.UseSession();
                app.UseAuthentication();
                app.UseSessionExpiry();
                MapEndpoints(app);
            },
            configureBuilder: builder => builder.Logging.ClearProviders().AddFakeLogging());

        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.EnsureCreatedAsync();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            foreach (var name in new[] { "alice", "bob" })
            {
                var result = await users.CreateAsync(new IdentityUser(name), Password);
                Assert.That(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
            }
        }

        return new IdentitySessionHost(host, connection, time, cache);
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
        return new TestBrowser(_host.CreateClient(cookies), cookies);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

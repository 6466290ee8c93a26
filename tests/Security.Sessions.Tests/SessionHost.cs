using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Time.Testing;
using Security.Sessions.Internal;
using Security.Testing;

namespace Security.Sessions.Tests;

/// <summary>
/// A real pipeline with cookie sign-in, ASP.NET Core session and session expiry on a fake clock,
/// and a client that keeps cookies like a browser (and can drop one).
/// </summary>
internal sealed class SessionHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly TestApp _host;

    // One web root for every host of the run; the OS cleans its temp folder.
    private static readonly Lazy<StaticAssetsWebRoot> WebRoot = new(() => StaticAssetsWebRoot.Create("max-age=31536000, immutable"));

    private SessionHost(TestApp host, FakeTimeProvider time, SwitchableCache cache, CookieContainer cookies)
    {
        _host = host;
        Time = time;
        Cache = cache;
        Cookies = cookies;
        Client = host.CreateClient(cookies);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>The session store, counting its calls.</summary>
    public SwitchableCache Cache { get; }

    public CookieContainer Cookies { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<SessionHost> StartAsync(Action<SessionExpiryOptions>? configure = null, bool useSession = true)
    {
        var time = new FakeTimeProvider(Epoch);
        var cache = new SwitchableCache();
        var host = await TestHost.StartAsync(
            services =>
            {
                services.AddSingleton<TimeProvider>(time);
                services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie(o => o.TimeProvider = time);
                services.AddSingleton<IDistributedCache>(cache);
                services.AddSession();
                services.AddSessionExpiry(o =>
                {
                    // /times reads the stored values without touching them.
                    o.ExemptPaths.Add("times$");
                    configure?.Invoke(o);
                });
            },
            app =>
            {
                // Requests under /app run with PathBase /app, as behind a reverse proxy's sub-path.
                app.UsePathBase("/app");
                app.UseRouting();
                if (useSession)
                {
                    app.UseSession();
                }

                app.UseAuthentication();
                app.UseSessionExpiry();
                // Files served by the middleware (after session expiry, so it sees them) and by MapStaticAssets endpoints.
                app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(WebRoot.Value.Path) });
                app.MapStaticAssets(WebRoot.Value.Manifest);
                MapEndpoints(app);
            },
            configureBuilder: builder => builder.Environment.WebRootFileProvider = new PhysicalFileProvider(WebRoot.Value.Path));
        return new SessionHost(host, time, cache, new CookieContainer());
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/", () => "home");
        app.MapGet("/health", () => "ok");
        app.MapGet("/public", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=600";
            return "cacheable";
        });
        app.MapGet("/api/status", () => Results.Json(new { ok = true }));
        app.MapGet("/signin/{user}", async (HttpContext context, string user) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], "test");
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return "signed in";
        });
        // A ticket as written before sign-ins were recorded: straight through the cookie handler, past
        // the IAuthenticationService that reports sign-ins.
        app.MapGet("/legacy-signin/{user}", async (HttpContext context, string user) =>
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], "test");
            var handlers = context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
            var handler = (IAuthenticationSignInHandler)(await handlers.GetHandlerAsync(context, CookieAuthenticationDefaults.AuthenticationScheme))!;
            await handler.SignInAsync(new ClaimsPrincipal(identity), new AuthenticationProperties());
            return "signed in";
        });
        app.MapGet("/whoami", (HttpContext context) => context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name! : "anonymous");
        app.MapGet("/cart/set/{item}", (HttpContext context, string item) =>
        {
            context.Session.SetString("cart", item);
            return "set";
        });
        app.MapGet("/cart", (HttpContext context) => context.Session.GetString("cart") ?? "empty");
        app.MapGet("/times", (HttpContext context) =>
        {
            var times = SessionTimes.Read(context.Session);
            return times is null ? "none" : $"{times.Value.Start.UtcTicks} {times.Value.LastActivity.UtcTicks} {times.Value.Owner}";
        });
        app.MapGet("/corrupt", (HttpContext context) =>
        {
            context.Session.Set(SessionTimes.StartKey, [1, 2, 3]);
            return "corrupted";
        });
    }

    public async Task<string> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Start, last activity and owner as the app sees them, read on an exempt path so reading changes nothing.</summary>
    public async Task<(DateTimeOffset Start, DateTimeOffset Last, string Owner)?> ReadTimesAsync()
    {
        var text = await GetAsync("/times");
        if (text == "none")
        {
            return null;
        }

        var parts = text.Split(' ');
        return (new DateTimeOffset(long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero),
            new DateTimeOffset(long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero),
            parts[2]);
    }

    public void DropCookie(string namePrefix) => new CookieJarHandler(Cookies).Drop(namePrefix);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
    }
}

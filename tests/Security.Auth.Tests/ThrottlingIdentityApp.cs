using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// A real Identity app on SQLite, throttled as the README says (<c>AddIdentity(...).AddLoginThrottling()</c>), with
/// the login code an app writes: an MVC form login and a JSON login, both signing in through <c>SignInManager</c>
/// and answering 429 with the message when the request carries <see cref="ILoginThrottlingFeature"/>. Counts the
/// passwords Identity actually verifies.
/// </summary>
internal sealed class ThrottlingIdentityApp : IAsyncDisposable
{
    public const string AlicePassword = "Alice-pass-1";
    public const string BobPassword = "Bob-pass-1";
    public const string MalloryPassword = "Mallory-pass-1";

    // "café" in NFC; Identity normalizes every spelling of it to one user.
    public const string CafeName = "caf\u00e9";
    public const string CafePassword = "Cafe-pass-1";

    private ThrottlingIdentityApp(IdentityTestApp app, PasswordChecks checks, CapturingLoggerProvider logs)
    {
        App = app;
        Checks = checks;
        Logs = logs;
    }

    public IdentityTestApp App { get; }

    /// <summary>How many passwords Identity's hasher verified: an attempt that reached the password check.</summary>
    public PasswordChecks Checks { get; }

    public CapturingLoggerProvider Logs { get; }

    public HttpClient Client => App.Client;

    public IThrottleCounterStore Store => App.Services.GetRequiredService<IThrottleCounterStore>();

    public static async Task<ThrottlingIdentityApp> StartAsync(
        FakeTimeProvider time,
        Action<LoginThrottlingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        IEnumerable<string>? moreUsers = null,
        Action<WebApplication>? endpoints = null,
        bool onDisk = false)
    {
        var checks = new PasswordChecks();
        var logs = new CapturingLoggerProvider();
        var users = new List<(string, string)> { ("alice", AlicePassword), ("bob", BobPassword), ("mallory", MalloryPassword), (CafeName, CafePassword) };
        users.AddRange((moreUsers ?? []).Select(u => (u, u + "-Pass-1")));
        var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = time,
            Environment = "Testing",
            Users = users,
            OnDisk = onDisk,
            IdentityOptions = o => o.User.AllowedUserNameCharacters = "",
            Identity = identity => identity.AddLoginThrottling(),
            ConfigureBuilder = builder => builder.Quiet().Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug),
            ConfigureServices = s =>
            {
                s.AddSingleton(checks);
                s.AddScoped<IPasswordHasher<IdentityUser>, CountingPasswordHasher>();
                s.ConfigureApplicationCookie(o =>
                {
                    o.LoginPath = "/account/login";
                    o.SlidingExpiration = true;
                    o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                    // The test's clock: the cookie renews once half its lifetime has passed.
                    o.TimeProvider = time;
                });
                s.AddControllers().AddApplicationPart(typeof(LoginController).Assembly);
                // Tests play several clients by X-Forwarded-For, as a proxy in front of the app would.
                s.Configure<ForwardedHeadersOptions>(o =>
                {
                    o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                    o.KnownIPNetworks.Clear();
                    o.KnownProxies.Clear();
                });
                s.AddLoginThrottling(configure);
                services?.Invoke(s);
            },
            ConfigureApp = web =>
            {
                web.UseForwardedHeaders();
                web.UseRouting();
                web.UseAuthentication();
                web.UseAuthorization();
                web.MapControllers();
                web.MapPost("/api/login", async (LoginBody body, HttpContext context, SignInManager<IdentityUser> signIn) =>
                {
                    var result = await signIn.PasswordSignInAsync(body.Username ?? "", body.Password ?? "", false, false);
                    return context.Features.Get<ILoginThrottlingFeature>() is { } throttled
                        ? Results.Problem(throttled.Message, statusCode: StatusCodes.Status429TooManyRequests)
                        : result.Succeeded ? Results.Ok(new { signedIn = true }) : Results.Json(new { signedIn = false }, statusCode: 401);
                });
                web.MapGet("/whoami", (HttpContext c) => c.User.Identity?.Name ?? "anonymous");
                endpoints?.Invoke(web);
            },
        });
        return new ThrottlingIdentityApp(app, checks, logs);
    }

    /// <summary>Posts a login form with the fields as given, repeated names included.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<(string Name, string Value)> fields, HttpClient? client = null, string? ip = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))) };
        if (ip is not null)
        {
            request.Headers.Add("X-Forwarded-For", ip);
        }

        return (client ?? Client).SendAsync(request);
    }

    public Task<HttpResponseMessage> LoginAsync(string? username, string password = "wrong", string path = "/account/login", HttpClient? client = null, string? ip = null)
    {
        var fields = new List<(string, string)> { ("password", password) };
        if (username is not null)
        {
            fields.Insert(0, ("username", username));
        }

        return PostFormAsync(path, fields, client, ip);
    }

    public Task<HttpResponseMessage> JsonLoginAsync(string? username, string password = "wrong", HttpClient? client = null) =>
        (client ?? Client).PostAsJsonAsync("/api/login", username is null ? (object)new { password } : new { username, password });

    /// <summary>Fails <paramref name="times"/> form logins for <paramref name="username"/>, each reaching the password check.</summary>
    public async Task FailAsync(string username, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await LoginAsync(username);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"failure {i + 1} of {username} reaches the password check");
        }
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

internal sealed record LoginBody(string? Username, string? Password);

/// <summary>Counts the passwords Identity verified.</summary>
internal sealed class PasswordChecks
{
    private int _verified;

    public int Verified => Volatile.Read(ref _verified);

    public void Verify() => Interlocked.Increment(ref _verified);
}

/// <summary>Identity's own hasher, counting each verification.</summary>
internal sealed class CountingPasswordHasher(PasswordChecks checks, Microsoft.Extensions.Options.IOptions<PasswordHasherOptions> options) : IPasswordHasher<IdentityUser>
{
    private readonly PasswordHasher<IdentityUser> _inner = new(options);

    public string HashPassword(IdentityUser user, string password) => _inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(IdentityUser user, string hashedPassword, string providedPassword)
    {
        checks.Verify();
        return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

/// <summary>The app's own form login, as a Razor page or MVC action binds it.</summary>
[ApiExplorerSettings(IgnoreApi = true)]
public sealed class LoginController : Controller
{
    [HttpPost("/account/login")]
    [IgnoreAntiforgeryToken]
    public async Task<IActionResult> Login(string? username, string? password)
    {
        var signIn = HttpContext.RequestServices.GetRequiredService<SignInManager<IdentityUser>>();
        // Login forms trim what the user typed.
        var result = await signIn.PasswordSignInAsync(username?.Trim() ?? "", password ?? "", false, false);
        if (HttpContext.Features.Get<ILoginThrottlingFeature>() is { } throttled)
        {
            return StatusCode(StatusCodes.Status429TooManyRequests, throttled.Message);
        }

        return result.Succeeded ? Redirect("/") : Content("invalid login");
    }
}

/// <summary>Keeps every formatted log line.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Category, LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(string, LogLevel, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue((category, logLevel, formatter(state, exception)));
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// A real Identity app on SQLite with the login code an app writes: an MVC form login bound by model binding
/// (the first <c>username</c> value, from the form, else the query string, trimmed, as a login form does) and a
/// JSON login, both signing in through <c>SignInManager</c>. Records what reaches the login code.
/// </summary>
internal sealed class ThrottlingIdentityApp : IAsyncDisposable
{
    public const string AlicePassword = "Alice-pass-1";
    public const string BobPassword = "Bob-pass-1";
    public const string MalloryPassword = "Mallory-pass-1";

    // "café" in NFC; Identity normalizes every spelling of it to one user.
    public const string CafeName = "caf\u00e9";
    public const string CafePassword = "Cafe-pass-1";

    private ThrottlingIdentityApp(IdentityTestApp app, LoginProbe probe, CapturingLoggerProvider logs)
    {
        App = app;
        Probe = probe;
        Logs = logs;
    }

    public IdentityTestApp App { get; }

    public LoginProbe Probe { get; }

    public CapturingLoggerProvider Logs { get; }

    public HttpClient Client => App.Client;

    public IThrottleCounterStore Store => App.Services.GetRequiredService<IThrottleCounterStore>();

    public static async Task<ThrottlingIdentityApp> StartAsync(
        FakeTimeProvider time,
        Action<LoginThrottlingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string? pathBase = null)
    {
        var probe = new LoginProbe();
        var logs = new CapturingLoggerProvider();
        var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = time,
            Environment = "Testing",
            Users = { ("alice", AlicePassword), ("bob", BobPassword), ("mallory", MalloryPassword), (CafeName, CafePassword) },
            IdentityOptions = o => o.User.AllowedUserNameCharacters = "",
            ConfigureBuilder = builder => builder.Quiet().Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug),
            ConfigureServices = s =>
            {
                s.AddSingleton(probe);
                s.ConfigureApplicationCookie(o =>
                {
                    o.LoginPath = "/account/login";
                    o.SlidingExpiration = true;
                    o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                    // The test's clock: the cookie renews once half its lifetime has passed.
                    o.TimeProvider = time;
                });
                s.AddControllers().AddApplicationPart(typeof(LoginController).Assembly);
                s.AddLoginThrottling(o =>
                {
                    o.LoginPaths.Add("/account/login");
                    configure?.Invoke(o);
                });
                services?.Invoke(s);
            },
            ConfigureApp = web =>
            {
                if (pathBase is not null)
                {
                    web.UsePathBase(pathBase);
                }

                web.UseRouting();
                web.UseLoginThrottling();
                web.UseAuthentication();
                web.UseAuthorization();
                web.MapControllers();
                web.MapGet("/account/login", (HttpContext c) =>
                    "login page" + (c.Features.Get<ILoginThrottlingFeature>() is { } f ? ": " + f.Message : ""));
                web.MapPost("/api/login", async (LoginBody body, SignInManager<IdentityUser> signIn, LoginProbe p) =>
                {
                    await p.ArriveAsync();
                    var result = await signIn.PasswordSignInAsync(body.Username ?? "", body.Password ?? "", false, false);
                    return result.Succeeded ? Results.Ok(new { signedIn = true }) : Results.Json(new { signedIn = false }, statusCode: 401);
                }).RequireLoginThrottling();
                web.MapGet("/whoami", (HttpContext c) => c.User.Identity?.Name ?? "anonymous");
            },
        });
        return new ThrottlingIdentityApp(app, probe, logs);
    }

    /// <summary>Posts a login form with the fields as given, repeated names included.</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<(string Name, string Value)> fields, HttpClient? client = null) =>
        (client ?? Client).PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    public Task<HttpResponseMessage> LoginAsync(string? username, string password = "wrong", string path = "/account/login", HttpClient? client = null)
    {
        var fields = new List<(string, string)> { ("password", password) };
        if (username is not null)
        {
            fields.Insert(0, ("username", username));
        }

        return PostFormAsync(path, fields, client);
    }

    public Task<HttpResponseMessage> JsonLoginAsync(string? username, string password = "wrong", HttpClient? client = null) =>
        (client ?? Client).PostAsJsonAsync("/api/login", username is null ? (object)new { password } : new { username, password });

    /// <summary>Fails <paramref name="times"/> form logins for <paramref name="username"/>, each reaching the app.</summary>
    public async Task FailAsync(string username, int times)
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await LoginAsync(username);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"failure {i + 1} of {username} reaches the app");
        }
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

internal sealed record LoginBody(string? Username, string? Password);

/// <summary>Counts the attempts that reach the login code; can hold them at a gate to line up a race.</summary>
internal sealed class LoginProbe
{
    private int _arrived;

    public int Arrived => Volatile.Read(ref _arrived);

    public Func<Task>? Gate { get; set; }

    public Task ArriveAsync()
    {
        Interlocked.Increment(ref _arrived);
        return Gate?.Invoke() ?? Task.CompletedTask;
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
        var services = HttpContext.RequestServices;
        await services.GetRequiredService<LoginProbe>().ArriveAsync();
        var signIn = services.GetRequiredService<SignInManager<IdentityUser>>();
        // Login forms trim what the user typed.
        var result = await signIn.PasswordSignInAsync(username?.Trim() ?? "", password ?? "", false, false);
        return result.Succeeded ? Redirect("/") : Content("invalid login");
    }

    // The same login, marked by attribute instead of a configured path.
    [HttpPost("/mvc/login")]
    [IgnoreAntiforgeryToken]
    [LoginThrottling]
    public Task<IActionResult> MarkedLogin(string? username, string? password) => Login(username, password);
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

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Testing;

/// <summary>
/// A real ASP.NET Core Identity app (<see cref="IdentityUser"/> and <see cref="IdentityRole"/> in a private in-memory
/// SQLite database, the app's <see cref="TimeProvider"/> given by the test) on <see cref="TestHost.StartAsync"/>,
/// with the users a test names already created. Test projects add their own middleware and endpoints through
/// <see cref="IdentityTestAppOptions"/>. Dispose it to stop the app and drop the database.
/// </summary>
/// <example>
/// <code>
/// await using var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
/// {
///     Time = time,
///     Users = { ("alice", "Alice-pass-1") },
///     Identity = identity => identity.AddPasswordExpiry(),
///     ConfigureApp = web => web.MapGet("/", () => "hi"),
/// });
/// </code>
/// </example>
public sealed class IdentityTestApp : IAsyncDisposable
{
    private readonly SqliteConnection _connection;

    private readonly string? _file;

    private IdentityTestApp(TestApp host, SqliteConnection connection, string? file)
    {
        _file = file;
        Host = host;
        _connection = connection;
        Client = NewClient();
    }

    /// <summary>The running app.</summary>
    public TestApp Host { get; }

    /// <summary>The in-memory server.</summary>
    public TestServer Server => Host.Server;

    /// <summary>The app's root service provider.</summary>
    public IServiceProvider Services => Host.Services;

    /// <summary>A client that keeps cookies like a browser and does not follow redirects.</summary>
    public HttpClient Client { get; }

    /// <summary>A client that keeps no cookies: the test writes the <c>Cookie</c> header itself.</summary>
    public HttpClient RawClient => Host.Client;

    /// <summary>Starts the app, creates the database and the users.</summary>
    /// <param name="options">What the test adds to the Identity app.</param>
    public static async Task<IdentityTestApp> StartAsync(IdentityTestAppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // In memory, one connection serves every request; on disk, each context opens its own, so requests that race
        // each other query the database concurrently, as they do in production.
        var file = options.OnDisk ? Path.Combine(Path.GetTempPath(), "identity-" + Guid.NewGuid().ToString("N") + ".db") : null;
        var connection = new SqliteConnection(file is null ? "DataSource=:memory:" : $"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        TestApp host;
        try
        {
            host = await TestHost.StartAsync(
                services =>
                {
                    services.AddSingleton(options.Time);
                    services.AddDbContext<IdentityDbContext>(o =>
                    {
                        if (file is null)
                        {
                            o.UseSqlite(connection);
                        }
                        else
                        {
                            o.UseSqlite($"Data Source={file};Default Timeout=60");
                        }

                        if (options.DatabaseInterceptor is { } interceptor)
                        {
                            o.AddInterceptors(interceptor);
                        }
                    });
                    var identity = options.Register(services, o => options.IdentityOptions?.Invoke(o))
                        .AddEntityFrameworkStores<IdentityDbContext>();
                    options.Identity?.Invoke(identity);
                    options.ConfigureServices?.Invoke(services);
                },
                options.ConfigureApp,
                environment: options.Environment,
                configureBuilder: options.ConfigureBuilder);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        var app = new IdentityTestApp(host, connection, file);
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.EnsureCreatedAsync();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        foreach (var (name, password) in options.Users)
        {
            var created = await users.CreateAsync(new IdentityUser(name), password);
            if (!created.Succeeded)
            {
                await app.DisposeAsync();
                throw new InvalidOperationException($"Seeding user '{name}' failed: {string.Join(", ", created.Errors.Select(e => e.Description))}");
            }
        }

        return app;
    }

    /// <summary>Another browser: a client with its own, empty cookie jar. The caller disposes it.</summary>
    public HttpClient NewClient() => Host.CreateClient(new CookieContainer());

    /// <summary>Runs <paramref name="action"/> with a scope's <see cref="UserManager{TUser}"/>, as an admin page would.</summary>
    /// <typeparam name="T">What the action returns.</typeparam>
    /// <param name="action">E.g. <c>users =&gt; users.FindByNameAsync("alice")</c>.</param>
    public async Task<T> WithUsersAsync<T>(Func<UserManager<IdentityUser>, Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>());
    }

    /// <summary>The id of the user named <paramref name="userName"/>.</summary>
    /// <param name="userName">A seeded user's name.</param>
    public Task<string> UserIdAsync(string userName) =>
        WithUsersAsync(async users => (await users.FindByNameAsync(userName))?.Id ?? throw new InvalidOperationException($"No user '{userName}'."));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await _connection.DisposeAsync();
        if (_file is not null)
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_file);
        }
    }
}

/// <summary>What a test adds to an <see cref="IdentityTestApp"/>.</summary>
public sealed class IdentityTestAppOptions
{
    /// <summary>The app's clock, registered as its <see cref="TimeProvider"/>; usually a <c>FakeTimeProvider</c>.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The users created at start, with their passwords.</summary>
    public IList<(string Name, string Password)> Users { get; init; } = [];

    /// <summary>
    /// Registers Identity as the app under test does; default <c>AddIdentity&lt;IdentityUser, IdentityRole&gt;</c>.
    /// E.g. <c>(s, o) =&gt; s.AddIdentityApiEndpoints&lt;IdentityUser&gt;(o).AddRoles&lt;IdentityRole&gt;()</c>, or
    /// <c>AddDefaultIdentity</c> for Identity's default UI. The EF stores are added after it.
    /// </summary>
    public Func<IServiceCollection, Action<IdentityOptions>, IdentityBuilder> Register { get; init; } =
        static (services, configure) => services.AddIdentity<IdentityUser, IdentityRole>(configure);

    /// <summary>
    /// Keeps the database in a temporary file instead of one in-memory connection, so concurrent requests query it
    /// concurrently (a race test); default <see langword="false"/>.
    /// </summary>
    public bool OnDisk { get; init; }

    /// <summary>Changes Identity's options, e.g. its password rules.</summary>
    public Action<IdentityOptions>? IdentityOptions { get; init; }

    /// <summary>Adds to the Identity builder after <c>AddEntityFrameworkStores</c>, e.g. <c>b =&gt; b.AddPasswordExpiry()</c>.</summary>
    public Action<IdentityBuilder>? Identity { get; init; }

    /// <summary>Registers the test's other services.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Adds middleware and endpoints.</summary>
    public Action<WebApplication> ConfigureApp { get; init; } = _ => { };

    /// <summary>Reaches the whole builder first, e.g. for logging or configuration.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }

    /// <summary>The environment name; default <c>Production</c>.</summary>
    public string? Environment { get; init; }

    /// <summary>Sees every command EF sends to the Identity database, e.g. to count them.</summary>
    public IInterceptor? DatabaseInterceptor { get; init; }
}

using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// An Identity app on SQLite with login-required and password expiry, counting every command EF sends for
/// Identity and every read of the password expiry store, so a test sees what a signed-in request costs.
/// Settings (e.g. <c>Security:Auth:LoginRequired:ValidationInterval</c>) are given as configuration.
/// </summary>
internal sealed class SignedInIdentityApp : IAsyncDisposable
{
    public const string AlicePassword = "Alice-pass-1";

    private SignedInIdentityApp(IdentityTestApp app, CommandCounter commands, CountingPasswordExpiryStore store)
    {
        App = app;
        Commands = commands;
        Store = store;
    }

    public IdentityTestApp App { get; }

    /// <summary>Commands sent to the Identity database.</summary>
    public CommandCounter Commands { get; }

    /// <summary>The password expiry records, with a count of the reads that reached them.</summary>
    public CountingPasswordExpiryStore Store { get; }

    public HttpClient Client => App.Client;

    public static async Task<SignedInIdentityApp> StartAsync(FakeTimeProvider time, IDictionary<string, string?>? settings = null)
    {
        var commands = new CommandCounter();
        var store = new CountingPasswordExpiryStore();
        var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = time,
            Environment = "Testing",
            Users = { ("alice", AlicePassword) },
            DatabaseInterceptor = commands,
            Identity = identity => identity.AddPasswordExpiry(),
            ConfigureBuilder = builder => builder.Quiet(settings),
            ConfigureServices = s =>
            {
                s.ConfigureApplicationCookie(o => o.LoginPath = "/account/login");
                s.AddAuthorization();
                s.AddLoginRequired();
                s.AddPasswordExpiry(o => o.ChangePasswordUrl = "/account/change-password");
                s.AddSingleton<IPasswordExpiryStore>(store);
            },
            ConfigureApp = web =>
            {
                web.UseRouting();
                web.UseAuthentication();
                web.UseLoginRequired();
                web.UsePasswordExpiry();
                web.UseAuthorization();
                web.MapGet("/account/login", () => "login page");
                web.MapIdentityFormLogin("/account/login", (result, _) => result.Succeeded ? Results.Ok() : Results.Unauthorized());
                web.MapGet("/private", (HttpContext c) => "private " + c.User.Identity!.Name);
            },
        });

        // Alice has changed her initial password: every request of hers is checked, none is redirected.
        await app.Services.GetRequiredService<PasswordExpiryManager>().MarkPasswordChangedAsync(await app.UserIdAsync("alice"));
        return new SignedInIdentityApp(app, commands, store);
    }

    public Task<string> AliceIdAsync() => App.UserIdAsync("alice");

    public async Task SignInAliceAsync()
    {
        using var form = new FormUrlEncodedContent([new("username", "alice"), new("password", AlicePassword)]);
        using var response = await Client.PostAsync("/account/login", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "alice signs in");
    }

    /// <summary>Runs <paramref name="change"/> with Alice's <see cref="UserManager{TUser}"/> user, as an admin page would.</summary>
    public async Task ChangeAliceAsync(Func<UserManager<IdentityUser>, IdentityUser, Task<IdentityResult>> change)
    {
        var result = await App.WithUsersAsync(async users => await change(users, (await users.FindByNameAsync("alice"))!));
        Assert.That(result.Succeeded, Is.True, "the change through UserManager");
    }

    /// <summary>Writes straight to the Identity tables, as another app instance (or an admin's SQL) would.</summary>
    public async Task UpdateAliceInDatabaseAsync(Func<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<IdentityUser>, Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<IdentityUser>> set)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        Assert.That(await db.Users.Where(u => u.UserName == "alice").ExecuteUpdateAsync(s => set(s)), Is.EqualTo(1));
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>Counts the commands EF creates on a context (one per round trip); can hold a query once it has been read.</summary>
internal sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>When set, a query's reader waits for this once EF has read it, before EF goes on.</summary>
    public Func<Task>? ReadGate { get; set; }

    public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (ReadGate is { } gate)
        {
            await gate();
        }

        return result;
    }

    public override DbCommand CommandCreated(CommandEndEventData eventData, DbCommand result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }
}

/// <summary>
/// The in-memory record store, counting the reads that reach it (each would be a round trip with a database
/// store); a test may hold a read at a gate to change the record while the read is in flight.
/// </summary>
internal sealed class CountingPasswordExpiryStore : IPasswordExpiryStore
{
    private readonly InMemoryPasswordExpiryStore _inner = new();
    private int _reads;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>When set, a read takes its answer first and then waits for this before returning it.</summary>
    public Func<Task>? ReadGate { get; set; }

    public async Task<PasswordExpiry?> FindAsync(string userId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        var record = await _inner.FindAsync(userId, cancellationToken);
        if (ReadGate is { } gate)
        {
            await gate();
        }

        return record;
    }

    public Task<PasswordExpiry> GetOrCreateAsync(PasswordExpiry initial, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return _inner.GetOrCreateAsync(initial, cancellationToken);
    }

    public Task SetAsync(PasswordExpiry expiry, CancellationToken cancellationToken = default) => _inner.SetAsync(expiry, cancellationToken);

    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default) => _inner.DeleteAsync(userId, cancellationToken);
}

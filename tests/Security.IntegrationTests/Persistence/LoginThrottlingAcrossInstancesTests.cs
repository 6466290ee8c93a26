using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Security.Abstractions;
using Security.Persistence;
using Security.Testing;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// Two app instances (two Kestrel hosts, two service providers, two connection pools) throttle logins
/// through one PostgreSQL database: concurrent failures on both count as one.
/// </summary>
public sealed class LoginThrottlingAcrossInstancesTests
{
    private const int AttemptsPerInstance = 100;

    private PostgresDatabase _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => _database = await PostgresServer.CreateDatabaseAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task Two_hundred_concurrent_failed_logins_on_two_instances_count_exactly_200()
    {
        await using var a = await StartInstanceAsync("instance-a");
        await using var b = await StartInstanceAsync("instance-b");
        // The schema step from both instances at once: one creates, the other finds it done.
        await Task.WhenAll(SecuritySchema.CreateAsync(a.Services), SecuritySchema.CreateAsync(b.Services));

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 2 * AttemptsPerInstance).Select(async i =>
        {
            await go.Task;
            var instance = i % 2 == 0 ? a : b;
            using var form = new FormUrlEncodedContent([new("username", "Alice"), new("password", "wrong-" + i)]);
            using var response = await instance.Client.PostAsync("login", form);
            return response.StatusCode;
        }).ToArray();
        go.SetResult();
        var statuses = await Task.WhenAll(attempts);

        Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK), "no attempt was throttled, so every one reached the app and was counted");
        // A failure is counted after the response is written, so the client can read it first: stopping waits for
        // the requests still in the middleware.
        await Task.WhenAll(a.App.StopAsync(), b.App.StopAsync());
        var now = a.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var instance in new[] { a, b })
        {
            var store = instance.Services.GetRequiredService<IThrottleCounterStore>();
            Assert.That((await store.GetAsync("user:alice", now))?.Count, Is.EqualTo(200), "the user name's counter");
            Assert.That((await store.GetAsync("ip:127.0.0.1", now))?.Count, Is.EqualTo(200), "the client address's counter");
        }

        Assert.That(await ReadCountersAsync(), Is.EqualTo(new Dictionary<string, long> { ["ip:127.0.0.1"] = 200, ["user:alice"] = 200 }),
            "the table holds exactly these two rows");
    }

    private async Task<KestrelApp> StartInstanceAsync(string name)
    {
        // A distinct application name gives each instance its own Npgsql pool, as two processes would have; two
        // default pools of 100 would exceed the test server's max_connections (100), as they would in production.
        var connectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { ApplicationName = name, MaxPoolSize = 40 }.ConnectionString;
        return await TestHost.StartKestrelAsync(
            services =>
            {
                services.AddLogging(logging => logging.ClearProviders());
                services.AddAuthentication().AddCookie();
                services.AddLoginThrottling(o =>
                    {
                        o.LoginPaths.Add("/login");
                        // Never throttle during the burst, so every attempt is passed on and counted.
                        o.DelayFunction = static (_, _) => (TimeSpan.Zero, TimeSpan.Zero);
                    })
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
            },
            app =>
            {
                app.UseLoginThrottling();
                app.UseAuthentication();
                // Wrong password every time: the form is re-shown, nobody is signed in.
                app.MapPost("/login", () => Results.Text("Wrong user name or password."));
            });
    }

    private async Task<Dictionary<string, long>> ReadCountersAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT counter_key, failure_count FROM security_throttle_counters", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counters = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counters.Add(reader.GetString(0), reader.GetInt64(1));
        }

        return counters;
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Security.Abstractions;
using Security.Auth;
using Security.Persistence;
using Security.Testing;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// Two app instances (two Kestrel hosts, two service providers, two connection pools) throttle logins
/// through one PostgreSQL database: concurrent failures on both count as one, and concurrent guesses on both
/// cannot pass one open window together.
/// </summary>
public sealed class LoginThrottlingAcrossInstancesTests
{
    private const int AttemptsPerInstance = 100;

    // One secret for every instance, as production reads it from a secret store: the same user name gets the same key.
    private const string UsernameHashKey = "integration-test-secret-0123456789abcdef";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private int _arrived;
    private readonly RaceGate _gate = new();

    private PostgresDatabase _database = null!;

    // A fresh database per test: each test asserts the whole counter table.
    [SetUp]
    public async Task CreateDatabase() => _database = await PostgresServer.CreateDatabaseAsync();

    [TearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task Two_hundred_concurrent_failed_logins_on_two_instances_count_exactly_200()
    {
        await using var a = await StartInstanceAsync("instance-a", neverThrottle: true);
        await using var b = await StartInstanceAsync("instance-b", neverThrottle: true);
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
        var counters = await ReadCountersAsync();
        Assert.That(counters, Has.Count.EqualTo(2), "one row for the user name, one for the address");
        Assert.That(counters["ip:127.0.0.1"], Is.EqualTo(200), "the client address's counter");
        var user = counters.Single(c => c.Key.StartsWith("user:", StringComparison.Ordinal));
        Assert.That(user.Value, Is.EqualTo(200), "the user name's counter");
        Assert.That(user.Key, Does.Not.Contain("alice").IgnoreCase, "the table does not list what was typed");
    }

    [Test]
    public async Task Fifty_concurrent_guesses_on_two_instances_once_the_delay_has_passed_let_exactly_one_reach_the_login_code()
    {
        await using var a = await StartInstanceAsync("race-a", neverThrottle: false);
        await using var b = await StartInstanceAsync("race-b", neverThrottle: false);
        await SecuritySchema.CreateAsync(a.Services);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await PostAsync(a, "bob", "wrong");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"free attempt {i + 1}");
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        const int Attempts = 50;
        var before = Volatile.Read(ref _arrived);
        var statuses = await _gate.RaceAsync(Attempts, i => PostAsync(i % 2 == 0 ? a : b, "Bob", "wrong-" + i));

        Assert.That(Volatile.Read(ref _arrived) - before, Is.EqualTo(1), "one attempt fits in the open window, across both instances");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(Attempts - 1));
    }

    private static async Task<HttpResponseMessage> PostAsync(KestrelApp instance, string username, string password)
    {
        using var form = new FormUrlEncodedContent([new("username", username), new("password", password)]);
        return await instance.Client.PostAsync("login", form);
    }

    [Test]
    public async Task Hundred_concurrent_guesses_over_distinct_names_on_two_instances_spend_one_client_budget()
    {
        await using var a = await StartInstanceAsync("spray-a", neverThrottle: false, clientBudget: true);
        await using var b = await StartInstanceAsync("spray-b", neverThrottle: false, clientBudget: true);
        await SecuritySchema.CreateAsync(a.Services);

        var before = Volatile.Read(ref _arrived);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 100).Select(async i =>
        {
            await go.Task;
            using var response = await PostAsync(i % 2 == 0 ? a : b, "user" + i, "Password1");
            return response.StatusCode;
        }).ToArray();
        go.SetResult();
        var statuses = await Task.WhenAll(attempts);

        var arrived = Volatile.Read(ref _arrived) - before;
        Assert.That(arrived, Is.InRange(1, 20), "20 failures per client and window, counted once across both instances");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(100 - arrived));
    }

    private async Task<KestrelApp> StartInstanceAsync(string name, bool neverThrottle, bool clientBudget = false)
    {
        // A distinct application name gives each instance its own Npgsql pool, as two processes would have; two
        // default pools of 100 would exceed the test server's max_connections (100), as they would in production.
        var connectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { ApplicationName = name, MaxPoolSize = 40 }.ConnectionString;
        return await TestHost.StartKestrelAsync(
            services =>
            {
                services.AddLogging(logging => logging.ClearProviders());
                services.AddAuthentication().AddCookie();
                services.AddSingleton<TimeProvider>(_time);
                services.AddLoginThrottling(o =>
                    {
                        o.UsernameHashKey = UsernameHashKey;
                        // The spray budget has its own test; the others count one user's attempts.
                        o.ClientFailureLimit = clientBudget ? 20 : 0;
                        if (neverThrottle)
                        {
                            // Never throttle during the burst, so every attempt is passed on and counted.
                            o.DelayFunction = static (_, _) => (TimeSpan.Zero, TimeSpan.Zero);
                        }
                    })
                    .AddEntityFrameworkStore(db => db.UseNpgsql(connectionString));
            },
            app =>
            {
                app.UseAuthentication();
                // Wrong password every time: the form is re-shown, nobody is signed in.
                app.MapPost("/login", async (HttpContext context, LoginThrottle throttle) =>
                {
                    var form = await context.Request.ReadFormAsync();
                    var attempt = await throttle.BeginAsync(context, form["username"].ToString());
                    if (attempt.IsThrottled)
                    {
                        return Results.Text(attempt.Message, statusCode: StatusCodes.Status429TooManyRequests);
                    }

                    Interlocked.Increment(ref _arrived);
                    await _gate.ArriveAsync();

                    attempt.Failed();
                    return Results.Text("Wrong user name or password.");
                });
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

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Auth.Tests;

/// <summary>What login throttling does when its counter store fails (a database outage).</summary>
public sealed class LoginThrottlingStoreFailureTests
{
    private static Task<AuthTestApp> StartAsync(IThrottleCounterStore store) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder, "/account/login");
                builder.Services.AddLoginThrottling(o =>
                {
                    o.LoginPaths.Add("/account/login");
                    o.UsernameHashKey = "test-secret-test-secret-test-secret-42";
                });
                builder.Services.AddSingleton(store);
            },
            app =>
            {
                app.UseRouting();
                app.UseLoginThrottling();
                app.MapPost("/account/login", () => Results.Content("invalid login", "text/plain"));
            });

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient client) =>
        client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "x" }));

    [Test]
    public async Task Unreadable_counters_refuse_the_attempt_with_503_and_Retry_After()
    {
        await using var app = await StartAsync(new FailingThrottleStore { FailReads = true });

        using var response = await PostLoginAsync(app.Client);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("invalid login"), "the login handler never ran");
    }

    [Test]
    public async Task A_failed_reservation_refuses_the_attempt_with_503()
    {
        var store = new FailingThrottleStore { FailIncrements = true };
        await using var app = await StartAsync(store);

        using var response = await PostLoginAsync(app.Client);

        // The attempt is counted before the app runs: a count that cannot be written is a guess that cannot be limited.
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("invalid login"), "the login handler never ran");
        Assert.That(store.Increments.Count(k => k.StartsWith("user:", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    /// <summary>A counter store that is down: reads, increments or both throw, as a database outage does; it records the increments tried.</summary>
    private sealed class FailingThrottleStore : IThrottleCounterStore
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _increments = new();

        public bool FailReads { get; init; }

        public bool FailIncrements { get; init; }

        public IReadOnlyCollection<string> Increments => _increments.ToArray();

        public Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default) =>
            FailReads ? Task.FromException<ThrottleCounter?>(new InvalidOperationException("database down")) : Task.FromResult<ThrottleCounter?>(null);

        public Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
        {
            _increments.Enqueue(key);
            return FailIncrements
                ? Task.FromException<ThrottleCounter>(new InvalidOperationException("database down"))
                : Task.FromResult(new ThrottleCounter(key, 1, now));
        }

        public Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(false);

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default) => Task.FromResult(0);
    }
}

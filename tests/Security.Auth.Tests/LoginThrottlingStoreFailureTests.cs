using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;

namespace Security.Auth.Tests;

/// <summary>What login throttling does when its counter store fails (a database outage).</summary>
public sealed class LoginThrottlingStoreFailureTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private Task<ThrottlingIdentityApp> StartAsync(IThrottleCounterStore store) =>
        ThrottlingIdentityApp.StartAsync(_time, o => o.UsernameHashKey = "test-secret-test-secret-test-secret-42", s => s.AddSingleton(store));

    [Test]
    public async Task Unreadable_counters_refuse_the_attempt_with_Retry_After_and_never_check_the_password()
    {
        await using var app = await StartAsync(new FailingThrottleStore { FailReads = true });

        using var response = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "SignInManager answered LockedOut");
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(app.Checks.Verified, Is.Zero, "the password was never checked");
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
    }

    [Test]
    public async Task A_failed_reservation_refuses_the_attempt()
    {
        var store = new FailingThrottleStore { FailIncrements = true };
        await using var app = await StartAsync(store);

        using var response = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword);

        // The attempt is counted before the password is checked: a count that cannot be written is a guess that
        // cannot be limited.
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(app.Checks.Verified, Is.Zero);
        Assert.That(store.Increments, Is.Not.Empty);
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

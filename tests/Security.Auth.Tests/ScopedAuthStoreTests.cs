using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Security.Abstractions;

namespace Security.Auth.Tests;

/// <summary>
/// Stores registered as scoped (as an EF Core store over a DbContext is): login throttling and the password
/// expiry manager, both singletons, must reach them through a scope per operation, never from the root provider,
/// which scope validation refuses.
/// </summary>
public sealed class ScopedAuthStoreTests
{
    private sealed class Shared
    {
        public int Instances;

        public InMemoryThrottleCounterStore Counters { get; } = new();

        public InMemoryPasswordExpiryStore Expiry { get; } = new();
    }

    private sealed class ScopedCounters : IThrottleCounterStore
    {
        private readonly Shared _shared;

        public ScopedCounters(Shared shared)
        {
            _shared = shared;
            Interlocked.Increment(ref shared.Instances);
        }

        public Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default) => _shared.Counters.IncrementAsync(key, now, cancellationToken);

        public Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default) => _shared.Counters.GetAsync(key, now, cancellationToken);

        public Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default) => _shared.Counters.ResetAsync(key, cancellationToken);

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default) => _shared.Counters.PurgeExpiredAsync(now, maxCount, cancellationToken);
    }

    private sealed class ScopedExpiry : IPasswordExpiryStore
    {
        private readonly Shared _shared;

        public ScopedExpiry(Shared shared)
        {
            _shared = shared;
            Interlocked.Increment(ref shared.Instances);
        }

        public Task<PasswordExpiry?> FindAsync(string userId, CancellationToken cancellationToken = default) => _shared.Expiry.FindAsync(userId, cancellationToken);

        public Task<PasswordExpiry> GetOrCreateAsync(PasswordExpiry initial, CancellationToken cancellationToken = default) => _shared.Expiry.GetOrCreateAsync(initial, cancellationToken);

        public Task SetAsync(PasswordExpiry expiry, CancellationToken cancellationToken = default) => _shared.Expiry.SetAsync(expiry, cancellationToken);

        public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default) => _shared.Expiry.DeleteAsync(userId, cancellationToken);
    }

    [Test]
    public async Task A_scoped_counter_store_starts_with_scope_validation_and_each_login_attempt_uses_its_request_scope()
    {
        var shared = new Shared();
        await using var app = await AuthTestApp.StartAsync(
            builder =>
            {
                builder.Host.UseDefaultServiceProvider(o =>
                {
                    o.ValidateScopes = true;
                    o.ValidateOnBuild = true;
                });
                AuthTestApp.AddCookieAuth(builder, "/account/login");
                builder.Services.AddSingleton(shared);
                builder.Services.AddLoginThrottling(o => o.UsernameHashKey = "test-secret-test-secret-test-secret-42");
                builder.Services.AddScoped<IThrottleCounterStore, ScopedCounters>();
            },
            app =>
            {
                app.MapPost("/account/login", async (HttpContext context, LoginThrottle throttle) =>
                {
                    var attempt = await throttle.BeginAsync(context, "alice");
                    attempt.Failed();
                    return Results.Content("invalid login", "text/plain");
                });
            });
        var before = shared.Instances;

        for (var i = 0; i < 2; i++)
        {
            using var response = await app.Client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "x" }));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(shared.Instances - before, Is.EqualTo(2), "one store per request scope");
    }

    [Test]
    public async Task A_scoped_expiry_store_works_with_scope_validation_one_scope_per_operation()
    {
        var shared = new Shared();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(shared);
        services.AddPasswordExpiry(o =>
        {
            o.ExpireNewUsers = false;
            o.ChangePasswordUrl = "/account/change-password";
        });
        services.AddScoped<IPasswordExpiryStore, ScopedExpiry>();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var manager = provider.GetRequiredService<PasswordExpiryManager>();

        Assert.That(await manager.IsExpiredAsync("alice"), Is.False);
        await manager.ExpireNowAsync("alice");

        Assert.That(await manager.IsExpiredAsync("alice"), Is.True);
        Assert.That(shared.Instances, Is.EqualTo(3), "one store per operation");
    }
}

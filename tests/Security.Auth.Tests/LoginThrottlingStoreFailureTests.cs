using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Moq;
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
        var store = new Mock<IThrottleCounterStore>();
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("database down"));
        await using var app = await StartAsync(store.Object);

        using var response = await PostLoginAsync(app.Client);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("invalid login"), "the login handler never ran");
    }

    [Test]
    public async Task A_failed_reservation_refuses_the_attempt_with_503()
    {
        var store = new Mock<IThrottleCounterStore>();
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ThrottleCounter?)null);
        store.Setup(s => s.IncrementAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("database down"));
        await using var app = await StartAsync(store.Object);

        using var response = await PostLoginAsync(app.Client);

        // The attempt is counted before the app runs: a count that cannot be written is a guess that cannot be limited.
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("invalid login"), "the login handler never ran");
        store.Verify(s => s.IncrementAsync(It.Is<string>(k => k.StartsWith("user:")), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }
}

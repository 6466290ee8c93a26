using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Testing;

namespace Security.Abstractions.Tests;

public class SignInObserverTests
{
    private sealed class RecordingObserver : ISecuritySignInObserver
    {
        public ConcurrentQueue<string> Events { get; } = new();

        public ValueTask OnSigningInAsync(SecuritySignIn signIn)
        {
            signIn.Properties.Items["observed"] = "yes";
            Events.Enqueue("signing-in:" + signIn.Principal.Identity?.Name);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnSignedInAsync(SecuritySignIn signIn)
        {
            Events.Enqueue("signed-in:" + signIn.Principal.Identity?.Name);
            return ValueTask.CompletedTask;
        }
    }

    private static Task<TestApp> StartAsync(bool observerFirst, FakeTimeProvider time) => TestHost.StartAsync(
        services =>
        {
            if (observerFirst)
            {
                services.AddSecuritySignInObserver<RecordingObserver>();
            }

            services.AddSingleton<TimeProvider>(time);
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
            {
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(20);
            });
            if (!observerFirst)
            {
                services.AddSecuritySignInObserver<RecordingObserver>();
            }

            services.AddSecuritySignInObserver<RecordingObserver>(); // twice: still one observer, one wrapper
        },
        app =>
        {
            app.UseAuthentication();
            app.MapGet("/login", async (HttpContext context) =>
            {
                var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], CookieAuthenticationDefaults.AuthenticationScheme);
                await context.SignInAsync(new ClaimsPrincipal(identity));
                return "ok";
            });
            app.MapGet("/item", async (HttpContext context) =>
                (await context.AuthenticateAsync()).Properties?.Items.TryGetValue("observed", out var value) == true ? value : "(none)");
        });

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_sign_in_is_reported_once_before_and_after_and_the_item_is_kept_in_the_ticket(bool observerFirst)
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await StartAsync(observerFirst, time);
        using var client = app.CreateClient(new CookieContainer());

        await client.GetStringAsync("/login");

        var observer = app.Services.GetServices<ISecuritySignInObserver>().OfType<RecordingObserver>().Single();
        Assert.That(observer.Events, Is.EqualTo(new[] { "signing-in:alice", "signed-in:alice" }));
        Assert.That(await client.GetStringAsync("/item"), Is.EqualTo("yes"));
    }

    [Test]
    public async Task A_renewed_cookie_is_not_a_sign_in_and_keeps_the_item()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var app = await StartAsync(observerFirst: true, time);
        using var client = app.CreateClient(new CookieContainer());
        await client.GetStringAsync("/login");

        // Past half the lifetime: the cookie handler renews the cookie on this request.
        time.Advance(TimeSpan.FromMinutes(15));
        using var renewed = await client.GetAsync("/item");
        Assert.That(renewed.Headers.Contains("Set-Cookie"), Is.True, "the handler should have renewed the cookie");
        Assert.That(await renewed.Content.ReadAsStringAsync(), Is.EqualTo("yes"));

        time.Advance(TimeSpan.FromMinutes(15));
        Assert.That(await client.GetStringAsync("/item"), Is.EqualTo("yes"), "the renewed ticket keeps the item");

        var observer = app.Services.GetServices<ISecuritySignInObserver>().OfType<RecordingObserver>().Single();
        Assert.That(observer.Events, Has.Count.EqualTo(2));
    }
}

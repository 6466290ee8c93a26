using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>
/// Two app instances share session state in a real Redis and data-protection keys in one folder;
/// a user who alternates between them expires on the same schedule as on one instance.
/// </summary>
public class SessionExpiryAcrossInstancesTests
{
    private static readonly DateTimeOffset Epoch = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private string _redis = null!;
    private DirectoryInfo _keys = null!;

    [OneTimeSetUp]
    public async Task StartRedis()
    {
        _redis = await RedisServer.GetConfigurationAsync();
        _keys = Directory.CreateTempSubdirectory("security-dp-keys-");
    }

    [OneTimeTearDown]
    public void DeleteKeys() => _keys.Delete(recursive: true);

    [Test]
    public async Task Alternating_instances_keep_the_session_alive_while_active()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var pair = await InstancePair.StartAsync(_redis, _keys, time);
        await pair.GetAsync(pair.A, "/signin/alice");

        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromMinutes(20));
            var instance = i % 2 == 0 ? pair.B : pair.A;
            Assert.That(await pair.GetAsync(instance, "/whoami"), Is.EqualTo("alice"), $"request {i + 1}, {(i + 1) * 20} minutes in");
        }
    }

    [Test]
    public async Task Inactivity_on_one_instance_is_seen_by_the_other()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var pair = await InstancePair.StartAsync(_redis, _keys, time);
        await pair.GetAsync(pair.A, "/signin/alice");
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(await pair.GetAsync(pair.A, "/whoami"), Is.EqualTo("alice"));

        time.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromTicks(1));

        Assert.That(await pair.GetAsync(pair.B, "/whoami"), Is.EqualTo("anonymous"), "B sees A's last activity, 30 minutes and a tick ago");
        Assert.That(await pair.GetAsync(pair.A, "/whoami"), Is.EqualTo("anonymous"), "and the sign-out holds on A too");
    }

    [Test]
    public async Task Absolute_timeout_holds_across_instances_despite_activity()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var pair = await InstancePair.StartAsync(_redis, _keys, time, absolute: TimeSpan.FromHours(1));
        await pair.GetAsync(pair.B, "/signin/alice");

        for (var i = 0; i < 6; i++)
        {
            time.Advance(TimeSpan.FromMinutes(10));
            Assert.That(await pair.GetAsync(i % 2 == 0 ? pair.A : pair.B, "/whoami"), Is.EqualTo("alice"));
        }

        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(await pair.GetAsync(pair.A, "/whoami"), Is.EqualTo("anonymous"));
    }

    /// <summary>Two hosts of one app, one browser (a shared cookie jar).</summary>
    private sealed class InstancePair : IAsyncDisposable
    {
        private InstancePair(TestApp a, TestApp b, CookieContainer cookies)
        {
            A = CookieJarHandler.CreateClient(a.Server.CreateHandler(), cookies);
            B = CookieJarHandler.CreateClient(b.Server.CreateHandler(), cookies);
            Apps = [a, b];
        }

        public HttpClient A { get; }

        public HttpClient B { get; }

        private TestApp[] Apps { get; }

        public static async Task<InstancePair> StartAsync(string redis, DirectoryInfo keys, FakeTimeProvider time, TimeSpan? absolute = null)
        {
            // A separate Redis key prefix per test keeps tests apart on the shared server.
            var prefix = "security-tests-" + Guid.NewGuid().ToString("N") + ":";
            var a = await StartInstanceAsync(redis, prefix, keys, time, absolute);
            var b = await StartInstanceAsync(redis, prefix, keys, time, absolute);
            return new InstancePair(a, b, new CookieContainer());
        }

        public async Task<string> GetAsync(HttpClient client, string path)
        {
            using var response = await client.GetAsync(path);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadAsStringAsync();
        }

        public async ValueTask DisposeAsync()
        {
            A.Dispose();
            B.Dispose();
            foreach (var app in Apps)
            {
                await app.DisposeAsync();
            }
        }

        private static Task<TestApp> StartInstanceAsync(string redis, string prefix, DirectoryInfo keys, FakeTimeProvider time, TimeSpan? absolute) =>
            TestHost.StartAsync(
                services =>
                {
                    services.AddSingleton<TimeProvider>(time);
                    services.AddDataProtection().SetApplicationName("security-tests").PersistKeysToFileSystem(keys);
                    services.AddStackExchangeRedisCache(o =>
                    {
                        o.Configuration = redis;
                        o.InstanceName = prefix;
                    });
                    services.AddSession();
                    services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o => o.TimeProvider = time);
                    services.AddSessionExpiry(o =>
                    {
                        if (absolute is { } value)
                        {
                            o.AbsoluteTimeout = value;
                        }
                    });
                },
                app =>
                {
                    app.UseSession();
                    app.UseAuthentication();
                    app.UseSessionExpiry();
                    app.MapGet("/signin/{user}", async (HttpContext context, string user) =>
                    {
                        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user), new Claim(ClaimTypes.Name, user)], "test");
                        await context.SignInAsync(new ClaimsPrincipal(identity));
                        return "signed in";
                    });
                    app.MapGet("/whoami", (HttpContext context) =>
                        context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name! : "anonymous");
                });
    }
}

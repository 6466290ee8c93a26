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

    [Test]
    public async Task Renewed_auth_cookie_and_a_dropped_session_cookie_still_expire_at_the_absolute_limit()
    {
        var time = new FakeTimeProvider(Epoch);
        // A 40-minute sliding cookie is renewed on any request more than 20 minutes after its issue.
        await using var pair = await InstancePair.StartAsync(_redis, _keys, time, absolute: TimeSpan.FromHours(1), cookieLifetime: TimeSpan.FromMinutes(40));
        await pair.GetAsync(pair.A, "/signin/alice");
        var ticket = pair.Cookie(".AspNetCore.Cookies");

        time.Advance(TimeSpan.FromMinutes(25));
        Assert.That(await pair.GetAsync(pair.B, "/whoami"), Is.EqualTo("alice"));
        time.Advance(TimeSpan.FromMinutes(25));
        Assert.That(await pair.GetAsync(pair.A, "/whoami"), Is.EqualTo("alice"));
        Assert.That(pair.Cookie(".AspNetCore.Cookies"), Is.Not.EqualTo(ticket), "the authentication cookie was renewed");

        time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        pair.DropCookie(".AspNetCore.Session");

        Assert.That(await pair.GetAsync(pair.B, "/whoami"), Is.EqualTo("anonymous"), "an hour and a second after the sign-in");
    }

    [Test]
    public async Task Planted_session_cookie_reads_nothing_of_the_victims_data_on_either_instance()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var attacker = await InstancePair.StartAsync(_redis, _keys, time);
        await attacker.GetAsync(attacker.A, "/data/set/planted-by-attacker");
        await using var victim = attacker.WithNewBrowser();
        victim.SetCookie(".AspNetCore.Session", attacker.Cookie(".AspNetCore.Session")!);

        await victim.GetAsync(victim.B, "/signin/alice");
        Assert.That(await victim.GetAsync(victim.A, "/data"), Is.EqualTo("empty"), "the victim starts from an empty session");
        await victim.GetAsync(victim.A, "/data/set/victim-secret");

        Assert.That(await attacker.GetAsync(attacker.B, "/data"), Is.EqualTo("empty"), "the planted cookie reads nothing on B");
        Assert.That(await attacker.GetAsync(attacker.A, "/data"), Is.EqualTo("empty"), "nor on A");
        await attacker.GetAsync(attacker.A, "/data/set/written-by-attacker");
        Assert.That(await victim.GetAsync(victim.B, "/data"), Is.EqualTo("victim-secret"));
    }

    [Test]
    public async Task User_B_signing_in_on_user_As_session_on_the_other_instance_sees_none_of_As_data()
    {
        var time = new FakeTimeProvider(Epoch);
        await using var pair = await InstancePair.StartAsync(_redis, _keys, time);
        await pair.GetAsync(pair.A, "/signin/alice");
        await pair.GetAsync(pair.A, "/data/set/alice-secret");

        await pair.GetAsync(pair.B, "/signin/bob");

        Assert.That(await pair.GetAsync(pair.B, "/whoami"), Is.EqualTo("bob"));
        Assert.That(await pair.GetAsync(pair.A, "/data"), Is.EqualTo("empty"));
    }

    [Test]
    public async Task Instance_that_cannot_reach_Redis_signs_the_user_out_by_default()
    {
        var time = new FakeTimeProvider(Epoch);
        // Nothing listens on a free port: B's session store is down from the start.
        var unreachable = $"127.0.0.1:{FreePort.Next()},abortConnect=false,connectTimeout=500,asyncTimeout=500,syncTimeout=500";
        await using var pair = await InstancePair.StartAsync(_redis, _keys, time, redisForB: unreachable);
        await pair.GetAsync(pair.A, "/signin/alice");

        Assert.That(await pair.GetAsync(pair.B, "/whoami"), Is.EqualTo("anonymous"), "B cannot check the session, so it signs the user out");
        Assert.That(await pair.GetAsync(pair.A, "/whoami"), Is.EqualTo("anonymous"), "the authentication cookie was removed");
    }

    /// <summary>Two hosts of one app, one browser (a shared cookie jar).</summary>
    private sealed class InstancePair : IAsyncDisposable
    {
        private static readonly Uri Site = new("http://localhost");
        private readonly CookieContainer _cookies;
        private readonly bool _ownsApps;

        private InstancePair(TestApp a, TestApp b, CookieContainer cookies, bool ownsApps = true)
        {
            A = CookieJarHandler.CreateClient(a.Server.CreateHandler(), cookies);
            B = CookieJarHandler.CreateClient(b.Server.CreateHandler(), cookies);
            Apps = [a, b];
            _cookies = cookies;
            _ownsApps = ownsApps;
        }

        public HttpClient A { get; }

        public HttpClient B { get; }

        private TestApp[] Apps { get; }

        public static async Task<InstancePair> StartAsync(
            string redis, DirectoryInfo keys, FakeTimeProvider time, TimeSpan? absolute = null, TimeSpan? cookieLifetime = null, string? redisForB = null)
        {
            // A separate Redis key prefix per test keeps tests apart on the shared server.
            var prefix = "security-tests-" + Guid.NewGuid().ToString("N") + ":";
            var a = await StartInstanceAsync(redis, prefix, keys, time, absolute, cookieLifetime);
            var b = await StartInstanceAsync(redisForB ?? redis, prefix, keys, time, absolute, cookieLifetime);
            return new InstancePair(a, b, new CookieContainer());
        }

        /// <summary>Another browser on the same two instances (which stay this pair's to stop).</summary>
        public InstancePair WithNewBrowser() => new(Apps[0], Apps[1], new CookieContainer(), ownsApps: false);

        public string? Cookie(string name) => _cookies.GetCookies(Site)[name]?.Value;

        /// <summary>Sets a cookie as a sibling subdomain or someone at the keyboard could.</summary>
        public void SetCookie(string name, string value) => _cookies.Add(Site, new Cookie(name, value));

        public void DropCookie(string name) => new CookieJarHandler(_cookies).Drop(name);

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
            foreach (var app in _ownsApps ? Apps : [])
            {
                await app.DisposeAsync();
            }
        }

        private static Task<TestApp> StartInstanceAsync(
            string redis, string prefix, DirectoryInfo keys, FakeTimeProvider time, TimeSpan? absolute, TimeSpan? cookieLifetime) =>
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
                    services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
                    {
                        o.TimeProvider = time;
                        o.SlidingExpiration = true;
                        o.ExpireTimeSpan = cookieLifetime ?? o.ExpireTimeSpan;
                    });
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
                    app.MapGet("/data/set/{value}", (HttpContext context, string value) =>
                    {
                        context.Session.SetString("data", value);
                        return "set";
                    });
                    app.MapGet("/data", (HttpContext context) => context.Session.GetString("data") ?? "empty");
                });
    }
}

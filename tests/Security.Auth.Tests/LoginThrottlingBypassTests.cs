using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// An attacker's ways around login throttling, each tried against a real Identity app throttled inside its
/// <c>SignInManager</c>, whose login code is what an app writes (a model-bound form and a JSON endpoint).
/// </summary>
public sealed class LoginThrottlingBypassTests
{
    private const string HashKey = "test-secret-test-secret-test-secret-42";
    private const string Attacker = "203.0.113.9";
    private static readonly string[] CommonPasswords = ["123456", "password", "Password1", "qwerty123"];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private Task<ThrottlingIdentityApp> StartAsync(
        Action<LoginThrottlingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        IEnumerable<string>? moreUsers = null,
        Action<WebApplication>? endpoints = null,
        bool onDisk = false) =>
        ThrottlingIdentityApp.StartAsync(_time, configure, services, moreUsers, endpoints, onDisk);

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    private static string[] Names(int count) => Enumerable.Range(0, count).Select(i => $"user{i:00}").ToArray();

    [Test]
    public async Task Spray_burst_of_200_guesses_over_50_names_from_one_address_lets_at_most_20_reach_the_password_check()
    {
        var names = Names(50);
        await using var app = await StartAsync(moreUsers: names);
        var refused = 0;
        foreach (var password in CommonPasswords)
        {
            foreach (var name in names)
            {
                using var response = await app.LoginAsync(name, password, ip: Attacker);
                refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
            }
        }

        Assert.That(app.Checks.Verified, Is.InRange(1, 20), "the client budget stops the spray");
        Assert.That(refused, Is.EqualTo(200 - app.Checks.Verified));
    }

    [Test]
    public async Task Paced_spray_with_6_second_pauses_between_rounds_lets_at_most_40_reach_the_password_check()
    {
        var names = Names(50);
        await using var app = await StartAsync(moreUsers: names);
        foreach (var password in CommonPasswords)
        {
            foreach (var name in names)
            {
                using var response = await app.LoginAsync(name, password, ip: Attacker);
            }

            _time.Advance(TimeSpan.FromSeconds(6));
        }

        Assert.That(app.Checks.Verified, Is.InRange(1, 40));
    }

    [Test]
    public async Task Office_of_30_behind_one_address_who_each_mistype_once_within_an_hour_is_never_delayed()
    {
        var names = Names(30);
        await using var app = await StartAsync(moreUsers: names);
        foreach (var name in names)
        {
            using (var typo = await app.LoginAsync(name, "typo", ip: Attacker))
            {
                Assert.That(typo.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{name}'s typo reaches the password check");
            }

            using (var right = await app.LoginAsync(name, name + "-Pass-1", client: app.App.NewClient(), ip: Attacker))
            {
                Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), $"{name} signs in");
            }

            _time.Advance(TimeSpan.FromMinutes(2));
        }
    }

    [Test]
    public async Task Spraying_from_one_address_does_not_delay_users_elsewhere()
    {
        var names = Names(30);
        await using var app = await StartAsync(moreUsers: names);
        foreach (var name in names)
        {
            using var response = await app.LoginAsync(name, ip: Attacker);
        }

        using var bob = await app.LoginAsync("bob", ThrottlingIdentityApp.BobPassword, client: app.App.NewClient(), ip: "198.51.100.20");
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task Throttled_attempt_with_the_right_password_never_has_its_password_verified()
    {
        await using var app = await StartAsync();
        await app.FailAsync("alice", 3);
        Assert.That(app.Checks.Verified, Is.EqualTo(3));

        using var response = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(app.Checks.Verified, Is.EqualTo(3), "the password was not checked");
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task Names_that_match_no_user_are_throttled_and_answered_as_existing_ones_are()
    {
        await using var app = await StartAsync();
        await app.FailAsync("nobody", 3);
        await app.FailAsync("alice", 3);

        using var unknown = await app.LoginAsync("NOBODY");
        using var known = await app.LoginAsync("alice");

        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await BodyAsync(unknown), Is.EqualTo(await BodyAsync(known)), "throttling tells nobody which names exist");
    }

    [Test]
    public async Task Another_principals_sign_in_during_an_attempt_is_not_a_success_for_the_attempted_user()
    {
        await using var app = await StartAsync(endpoints: web => web.MapPost("/account/login-then-other", async (HttpContext context, SignInManager<IdentityUser> signIn, UserManager<IdentityUser> users) =>
        {
            // A handler that checks alice's password, then signs in someone else (the attacker's own account).
            var form = await context.Request.ReadFormAsync();
            await signIn.PasswordSignInAsync(form["username"].ToString(), form["password"].ToString(), false, false);
            await signIn.SignInAsync((await users.FindByNameAsync("mallory"))!, isPersistent: false);
            return Results.Ok();
        }));
        await app.FailAsync("alice", 2);
        using (var other = await app.LoginAsync("alice", path: "/account/login-then-other"))
        {
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var next = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword);
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "alice's three failures still count");
    }

    [TestCase("sign-in")]
    [TestCase("refresh")]
    public async Task Sign_in_that_is_no_password_attempts_outcome_resets_nothing(string kind)
    {
        await using var app = await StartAsync(endpoints: web => web.MapPost("/account/other-sign-in", async (SignInManager<IdentityUser> signIn, UserManager<IdentityUser> users) =>
        {
            // An external login's callback signs the user in without a password; a refresh re-issues the cookie.
            var alice = (await users.FindByNameAsync("alice"))!;
            await (kind == "sign-in" ? signIn.SignInAsync(alice, isPersistent: false) : signIn.RefreshSignInAsync(alice));
            return Results.Ok();
        }));
        await app.FailAsync("alice", 3);
        using (var other = await app.Client.PostAsync("/account/other-sign-in", null))
        {
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var next = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword, client: app.App.NewClient());
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task NFD_spelling_of_a_user_name_shares_the_counter_of_its_NFC_spelling()
    {
        await using var app = await StartAsync();
        await app.FailAsync(ThrottlingIdentityApp.CafeName, 3);
        var nfd = ThrottlingIdentityApp.CafeName.Normalize(NormalizationForm.FormD);
        Assert.That(nfd, Is.Not.EqualTo(ThrottlingIdentityApp.CafeName), "a different string");

        using var response = await app.LoginAsync(nfd, ThrottlingIdentityApp.CafePassword);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "Identity would sign this spelling in as the same user");
    }

    [TestCase("  ALICE\t")]
    [TestCase("Alice ")]
    [TestCase("\u00a0alice")]
    public async Task Padded_or_recased_user_name_shares_the_users_counter(string spelling)
    {
        await using var app = await StartAsync();
        await app.FailAsync("alice", 3);
        using var response = await app.LoginAsync(spelling, ThrottlingIdentityApp.AlicePassword);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Fifty_concurrent_guesses_once_the_delay_has_passed_let_exactly_one_reach_the_password_check()
    {
        var gate = new SignInGate();
        await using var app = await StartAsync(services: gate.Register, onDisk: true);
        await app.FailAsync("alice", 3);
        _time.Advance(TimeSpan.FromSeconds(5));

        var statuses = await gate.RaceAsync(app, "alice", 50);

        Assert.That(app.Checks.Verified - 3, Is.EqualTo(1), "one attempt fits in the open window");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(49));
    }

    [Test]
    public async Task Fifty_concurrent_guesses_for_a_fresh_user_let_only_the_free_attempts_reach_the_password_check()
    {
        var gate = new SignInGate();
        await using var app = await StartAsync(services: gate.Register, onDisk: true);

        var statuses = await gate.RaceAsync(app, "bob", 50);

        Assert.That(app.Checks.Verified, Is.EqualTo(3), "three free attempts, as in the original, and no more");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(47));
    }

    [Test]
    public async Task Attackers_own_renewed_cookie_sent_with_a_wrong_guess_is_not_a_success()
    {
        await using var app = await StartAsync();
        var attacker = app.App.NewClient();
        using (var own = await app.LoginAsync("mallory", ThrottlingIdentityApp.MalloryPassword, client: attacker))
        {
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the attacker signs in to an account of their own");
        }

        for (var i = 0; i < 3; i++)
        {
            using var failed = await app.LoginAsync("alice", client: attacker);
        }

        // Past half the cookie's 10-minute lifetime: the cookie handler renews it on the next request.
        _time.Advance(TimeSpan.FromMinutes(6));
        using (var guess = await app.LoginAsync("alice", client: attacker))
        {
            Assert.That(await BodyAsync(guess), Is.EqualTo("invalid login"));
            Assert.That(guess.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal)),
                Is.True, "the handler renewed the attacker's cookie on this response");
        }

        using var next = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword, client: attacker);
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "alice's counter was not reset by the renewal");
    }

    [Test]
    public async Task JSON_login_failures_count_for_the_user_the_body_names()
    {
        await using var app = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await app.JsonLoginAsync("alice");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using var form = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword);
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "form and JSON logins of one user share one counter");
        using var json = await app.JsonLoginAsync("ALICE", ThrottlingIdentityApp.AlicePassword);
        Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Four_megabyte_username_keeps_stored_keys_and_log_lines_small()
    {
        var recording = new RecordingThrottleStore();
        await using var app = await StartAsync(o => o.UsernameHashKey = HashKey, s => s.AddSingleton<IThrottleCounterStore>(recording));
        var huge = new string('a', 4_000_000);

        using (var form = await app.LoginAsync(huge))
        {
            Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(recording.Keys, Has.All.Length.LessThan(100), "stored keys stay small");
        Assert.That(app.Logs.Lines.Where(l => l.Category.StartsWith("Security.", StringComparison.Ordinal)).Select(l => l.Message),
            Has.All.Length.LessThan(1000), "log lines stay small");
    }

    [Test]
    public async Task Control_characters_in_a_username_are_escaped_in_the_log()
    {
        await using var app = await StartAsync();
        using (await app.LoginAsync("eve\r\n[Critical] forged entry"))
        {
        }

        var lines = app.Logs.Lines.Where(l => l.Category.StartsWith("Security.", StringComparison.Ordinal)).Select(l => l.Message).ToArray();
        Assert.That(lines, Is.Not.Empty);
        Assert.That(lines, Has.None.Contains("\n").And.None.Contains("\r"));
        Assert.That(lines, Has.Some.Contains("eve\\r\\n[Critical] forged entry"));
    }

    [Test]
    public async Task Two_hundred_distinct_usernames_keep_the_in_memory_store_within_its_bound()
    {
        await using var app = await StartAsync(o =>
        {
            o.MaxInMemoryCounters = 50;
            o.ClientFailureLimit = 0;
        });
        for (var i = 0; i < 200; i++)
        {
            using var failed = await app.LoginAsync("nobody-" + i);
        }

        var store = (InMemoryThrottleCounterStore)app.Store;
        Assert.That(store.Count, Is.LessThanOrEqualTo(50));
        await app.FailAsync("alice", 3);
        using var throttled = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword);
        Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the newest counters are kept");
    }

    [Test]
    public async Task Long_user_names_are_cut_to_64_characters_in_the_log()
    {
        await using var app = await StartAsync();
        var name = new string('x', 64) + "SECRET-TAIL";
        using (await app.LoginAsync(name))
        {
        }

        var lines = app.Logs.Lines.Where(l => l.Category.StartsWith("Security.", StringComparison.Ordinal)).Select(l => l.Message).ToArray();
        Assert.That(lines, Has.Some.Contains("'" + new string('x', 64) + "…'"));
        Assert.That(lines, Has.None.Contains("SECRET-TAIL"));
    }

    [Test]
    public async Task Stored_counter_keys_do_not_list_what_people_typed()
    {
        var recording = new RecordingThrottleStore();
        await using var app = await StartAsync(o => o.UsernameHashKey = HashKey, s => s.AddSingleton<IThrottleCounterStore>(recording));
        await app.FailAsync("alice", 1);
        await app.FailAsync("Tr0ub4dor&3", 1);

        Assert.That(recording.Keys, Has.Some.StartsWith("user:"));
        Assert.That(recording.Keys, Has.None.Contains("alice").IgnoreCase.And.None.Contains("tr0ub4dor").IgnoreCase);
    }
}

/// <summary>
/// Holds every sign-in that passed throttling just before its password is checked (Identity asks
/// <see cref="IUserConfirmation{TUser}"/> first) at a <see cref="RaceGate"/>.
/// </summary>
internal sealed class SignInGate : IUserConfirmation<IdentityUser>
{
    private readonly RaceGate _gate = new();

    public void Register(IServiceCollection services)
    {
        services.AddSingleton<IUserConfirmation<IdentityUser>>(this);
        services.Configure<IdentityOptions>(o => o.SignIn.RequireConfirmedAccount = true);
    }

    public async Task<bool> IsConfirmedAsync(UserManager<IdentityUser> manager, IdentityUser user)
    {
        await _gate.ArriveAsync();
        return true;
    }

    public Task<HttpStatusCode[]> RaceAsync(ThrottlingIdentityApp app, string username, int n) =>
        _gate.RaceAsync(n, i => app.LoginAsync(username, "wrong-" + i, client: app.App.NewClient()));
}

/// <summary>An in-memory store that records every key it is asked about.</summary>
internal sealed class RecordingThrottleStore : IThrottleCounterStore
{
    private readonly InMemoryThrottleCounterStore _inner = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _keys = new();

    public IReadOnlyCollection<string> Keys => _keys.Keys.ToArray();

    public Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        _keys.TryAdd(key, 0);
        return _inner.IncrementAsync(key, now, cancellationToken);
    }

    public Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        _keys.TryAdd(key, 0);
        return _inner.GetAsync(key, now, cancellationToken);
    }

    public Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default) => _inner.ResetAsync(key, cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default) =>
        _inner.PurgeExpiredAsync(now, maxCount, cancellationToken);
}

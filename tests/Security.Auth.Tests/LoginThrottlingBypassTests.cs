using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;

namespace Security.Auth.Tests;

/// <summary>
/// An attacker's ways around login throttling, each tried against a real Identity app whose login code is what an
/// app writes (a model-bound form and a JSON endpoint, both through <c>SignInManager</c>).
/// </summary>
public sealed class LoginThrottlingBypassTests
{
    private const string HashKey = "test-secret-test-secret-test-secret-42";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private Task<ThrottlingIdentityApp> StartAsync(Action<LoginThrottlingOptions>? configure = null, Action<IServiceCollection>? services = null, string? pathBase = null) =>
        ThrottlingIdentityApp.StartAsync(_time, configure, services, pathBase);

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    [Test]
    public async Task Duplicated_username_field_is_refused_with_400_before_the_login_code_runs()
    {
        await using var app = await StartAsync();
        await app.FailAsync("alice", 3);
        _time.Advance(TimeSpan.FromMinutes(1));
        var reached = app.Probe.Arrived;

        for (var i = 0; i < 12; i++)
        {
            using var response = await app.PostFormAsync("/account/login", [("username", "alice"), ("username", "r" + i), ("password", "wrong")]);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"guess {i + 1}");
        }

        using (var right = await app.PostFormAsync("/account/login", [("username", "alice"), ("username", "x"), ("password", ThrottlingIdentityApp.AlicePassword)]))
        {
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(right.Headers.Contains("Set-Cookie"), Is.False, "nobody is signed in");
        }

        Assert.That(app.Probe.Arrived, Is.EqualTo(reached), "no duplicated-field attempt reached the login code");
        Assert.That((await app.Store.GetAsync("ip:unknown", _time.GetUtcNow()))?.Count, Is.EqualTo(3 + 13), "each refused attempt counts against the address");
    }

    [Test]
    public async Task Username_repeated_in_the_query_string_is_refused_too()
    {
        await using var app = await StartAsync();
        using var response = await app.PostFormAsync("/account/login?username=alice&username=r1", [("password", "wrong")]);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(app.Probe.Arrived, Is.Zero);
    }

    [Test]
    public async Task Username_that_model_binding_takes_from_the_query_string_is_counted_for_that_user()
    {
        await using var app = await StartAsync();
        await app.FailAsync("alice", 3);
        using var response = await app.PostFormAsync("/account/login?username=alice", [("password", ThrottlingIdentityApp.AlicePassword)]);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [TestCase("/account/login/", null)]
    [TestCase("/ACCOUNT/LOGIN", null)]
    [TestCase("/Account/Login/", null)]
    [TestCase("/account/%6Cogin", null)]
    [TestCase("/app/account/login", "/app")]
    [TestCase("/APP/Account/Login/", "/app")]
    public async Task Every_spelling_of_the_login_path_that_reaches_the_login_code_is_throttled(string path, string? pathBase)
    {
        await using var app = await StartAsync(pathBase: pathBase);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await app.LoginAsync("alice", path: path);
            Assert.That(await BodyAsync(failed), Is.EqualTo("invalid login"), $"failure {i + 1} reaches the login code through {path}");
        }

        using var response = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword, path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(app.Probe.Arrived, Is.EqualTo(3));
    }

    [TestCase("/mvc/login")]
    [TestCase("/MVC/Login/")]
    public async Task Attribute_on_an_MVC_action_makes_every_spelling_of_its_route_a_login_attempt(string path)
    {
        await using var app = await StartAsync();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await app.LoginAsync("alice", path: path);
            Assert.That(await BodyAsync(failed), Is.EqualTo("invalid login"));
        }

        using var response = await app.LoginAsync("alice", ThrottlingIdentityApp.AlicePassword, path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
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
    public async Task Fifty_concurrent_guesses_once_the_delay_has_passed_let_exactly_one_reach_the_login_code()
    {
        await using var app = await StartAsync();
        await app.FailAsync("alice", 3);
        _time.Advance(TimeSpan.FromSeconds(5));

        var statuses = await RaceAsync(app, "alice", 50);

        Assert.That(app.Probe.Arrived - 3, Is.EqualTo(1), "one attempt fits in the open window");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(49));
    }

    [Test]
    public async Task Fifty_concurrent_guesses_for_a_fresh_user_let_only_the_free_attempts_reach_the_login_code()
    {
        await using var app = await StartAsync();

        var statuses = await RaceAsync(app, "bob", 50);

        Assert.That(app.Probe.Arrived, Is.EqualTo(3), "three free attempts, as in the original, and no more");
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(47));
    }

    // Sends n wrong guesses at once. The login code holds every attempt that reaches it until each of the n has
    // either reached it or been answered, so no attempt can finish (and be counted) while another is still
    // deciding: the worst interleaving for a check-then-act, made certain.
    private static async Task<HttpStatusCode[]> RaceAsync(ThrottlingIdentityApp app, string username, int n)
    {
        var settled = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Settle()
        {
            if (Interlocked.Increment(ref settled) == n)
            {
                gate.SetResult();
            }
        }

        app.Probe.Gate = () =>
        {
            Settle();
            return gate.Task;
        };
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, n).Select(async i =>
        {
            await go.Task;
            using var response = await app.LoginAsync(username, "wrong-" + i, client: app.App.NewClient());
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Settle();
            }

            return response.StatusCode;
        }).ToArray();
        go.SetResult();
        var statuses = await Task.WhenAll(attempts);
        app.Probe.Gate = null;
        return statuses;
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
    public async Task JSON_login_failures_count_for_the_user_named_in_the_body()
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
    public async Task Twenty_JSON_failures_under_other_names_do_not_lock_out_everyone()
    {
        await using var app = await StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var failed = await app.JsonLoginAsync("nobody-" + i);
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"failure {i + 1}");
        }

        using var bob = await app.JsonLoginAsync("bob", ThrottlingIdentityApp.BobPassword, app.App.NewClient());
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task JSON_logins_without_a_username_count_against_the_address_only()
    {
        await using var app = await StartAsync();
        for (var i = 0; i < 20; i++)
        {
            using var failed = await app.JsonLoginAsync(null);
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"failure {i + 1}");
        }

        using var bob = await app.JsonLoginAsync("bob", ThrottlingIdentityApp.BobPassword, app.App.NewClient());
        Assert.That(bob.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no shared bucket for attempts without a name");
        using var alice = await app.LoginAsync(null);
        Assert.That(alice.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Four_megabyte_username_is_refused_and_never_stored_or_logged()
    {
        var recording = new RecordingThrottleStore();
        await using var app = await StartAsync(o => o.UsernameHashKey = HashKey, s => s.AddSingleton<IThrottleCounterStore>(recording));
        var huge = new string('a', 4_000_000);

        using (var form = await app.LoginAsync(huge))
        {
            Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        using (var json = await app.JsonLoginAsync(huge))
        {
            Assert.That((int)json.StatusCode, Is.EqualTo(StatusCodes413).Or.EqualTo(400));
        }

        Assert.That(app.Probe.Arrived, Is.Zero);
        Assert.That(recording.Keys, Has.All.Length.LessThan(100), "stored keys stay small");
        Assert.That(app.Logs.Lines.Where(l => l.Category.StartsWith("Security.", StringComparison.Ordinal)).Select(l => l.Message),
            Has.All.Length.LessThan(1000), "log lines stay small");
    }

    private const int StatusCodes413 = 413;

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
        await using var app = await StartAsync(o => o.MaxInMemoryCounters = 50);
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
    public async Task App_supplied_username_reader_decides_whose_attempt_it_is()
    {
        await using var app = await StartAsync(o => o.UsernameReader = c => ValueTask.FromResult<string?>(c.Request.Headers["X-Login-User"].ToString()));
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "someone-" + i, ["password"] = "wrong" }),
            };
            request.Headers.Add("X-Login-User", " Alice ");
            using var failed = await app.Client.SendAsync(request);
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        using var throttled = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = ThrottlingIdentityApp.AlicePassword }),
        };
        throttled.Headers.Add("X-Login-User", "ALICE");
        using var response = await app.Client.SendAsync(throttled);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the reader's value, trimmed and normalized, is the counter");
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

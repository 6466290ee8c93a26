using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Auth.Internal;

namespace Security.Auth.Tests;

public sealed class LoginThrottlingTests
{
    private const string Denied = "Due to the failure of previous attempts, your login request has been denied as a security precaution. Please try again in at least ";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private Task<AuthTestApp> StartAsync(Action<LoginThrottlingOptions>? configure = null, bool forwardedHeaders = false) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder, "/account/login");
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddLoginThrottling(configure);
                if (forwardedHeaders)
                {
                    builder.Services.Configure<ForwardedHeadersOptions>(o =>
                    {
                        o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
                        o.KnownIPNetworks.Clear();
                        o.KnownProxies.Clear();
                    });
                }
            },
            app =>
            {
                if (forwardedHeaders)
                {
                    app.UseForwardedHeaders();
                }

                app.UseRouting();
                app.UseAuthentication();
                app.UseAuthorization();
                AuthTestApp.MapTestSignIn(app);
                app.MapPost("/account/login", (Delegate)LoginAsync);
                app.MapLoginThrottlingReset("/admin/throttling/reset");
            });

    // A login without Identity, as the README shows it: begin the attempt, check the password only when not throttled.
    private static async Task<IResult> LoginAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var attempt = await context.RequestServices.GetRequiredService<LoginThrottle>().BeginAsync(context, form["username"].ToString());
        if (attempt.IsThrottled)
        {
            return Results.Text(attempt.Message, "text/plain", statusCode: StatusCodes.Status429TooManyRequests);
        }

        if (form["password"] == "correct")
        {
            await attempt.SucceededAsync();
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, form["username"].ToString())], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
            return Results.Redirect("/");
        }

        attempt.Failed();
        return Results.Content("invalid login", "text/plain");
    }

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string? username, string password = "wrong", string path = "/account/login", string method = "POST", string? ip = null)
    {
        var fields = new Dictionary<string, string> { ["password"] = password };
        if (username is not null)
        {
            fields["username"] = username;
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new FormUrlEncodedContent(fields) };
        if (ip is not null)
        {
            request.Headers.Add("X-Forwarded-For", ip);
        }

        return client.SendAsync(request);
    }

    private static async Task FailAsync(AuthTestApp app, string username, int times, string path = "/account/login")
    {
        for (var i = 0; i < times; i++)
        {
            using var response = await PostLoginAsync(app.Client, username, path: path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"attempt {i + 1} is permitted");
        }
    }

    private async Task<long?> CountAsync(AuthTestApp app, string key) =>
        (await app.Services.GetRequiredService<IThrottleCounterStore>().GetAsync(StoredKey(app, key), _time.GetUtcNow()))?.Count;

    // "user:alice" as stored: the name normalized as Identity does, under the app's keyed hash.
    private static string StoredKey(AuthTestApp app, string key) =>
        key.StartsWith("user:", StringComparison.Ordinal)
            ? app.Services.GetRequiredService<LoginThrottlingKeys>().User(key[5..].Normalize().ToUpperInvariant())
            : key;

    [TestCase(0, "0 seconds")]
    [TestCase(0.1, "1 second")]
    [TestCase(1, "1 second")]
    [TestCase(1.5, "2 seconds")]
    [TestCase(5, "5 seconds")]
    [TestCase(29, "29 seconds")]
    [TestCase(29.5, "30 seconds")]
    [TestCase(30, "1 minute")]
    [TestCase(31, "1 minute")]
    [TestCase(60, "1 minute")]
    [TestCase(89, "1 minute")]
    [TestCase(90, "2 minutes")]
    [TestCase(120, "2 minutes")]
    [TestCase(150, "3 minutes")]
    [TestCase(3600, "60 minutes")]
    [TestCase(86400, "1440 minutes")]
    public void Delay_message_reads_as_in_the_original(double seconds, string expected) =>
        Assert.That(ThrottleMessages.DelayMessage(seconds), Is.EqualTo(expected));

    [TestCase(0, 0)]
    [TestCase(1, 0)]
    [TestCase(2, 0)]
    [TestCase(3, 5)]
    [TestCase(4, 10)]
    [TestCase(5, 20)]
    [TestCase(10, 640)]
    [TestCase(17, 81920)]
    [TestCase(18, 86400)]
    [TestCase(1000, 86400)]
    [TestCase(long.MaxValue, 86400)]
    public void Default_delay_doubles_from_the_third_failure_up_to_a_day_and_ignores_addresses(long failures, int seconds)
    {
        var (user, ip) = LoginThrottlingOptions.DefaultDelay(failures, failures);
        Assert.That(user, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
        Assert.That(ip, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Fourth_attempt_after_three_failures_gets_429_with_Retry_After_and_the_message()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 3);
        _time.Advance(TimeSpan.FromSeconds(1.5));
        using var response = await PostLoginAsync(app.Client, "alice");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(response.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(4)));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(Denied + "4 seconds."));
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(3), "a throttled attempt is not counted");
    }

    [Test]
    public async Task Failure_of_a_concurrent_attempt_stamped_after_this_one_began_does_not_throttle_under_a_zero_delay()
    {
        await using var app = await StartAsync();
        // Another instance's (or tab's) attempt failed a moment "later" than this request's clock reading.
        var store = app.Services.GetRequiredService<IThrottleCounterStore>();
        await store.IncrementAsync(StoredKey(app, "user:alice"), _time.GetUtcNow().AddMilliseconds(300));
        await store.IncrementAsync("ip:unknown", _time.GetUtcNow().AddMilliseconds(300));
        using var response = await PostLoginAsync(app.Client, "alice");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "one failure means no delay (fewer than 3)");
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(2));
    }

    [Test]
    public async Task Correct_password_is_refused_while_throttled()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 3);
        using var response = await PostLoginAsync(app.Client, "alice", "correct");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
    }

    [Test]
    public async Task Attempt_is_permitted_again_once_the_delay_has_passed_and_the_delay_doubles()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 3);
        _time.Advance(TimeSpan.FromSeconds(5));
        await FailAsync(app, "alice", 1);
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(4));
        _time.Advance(TimeSpan.FromSeconds(9));
        using var response = await PostLoginAsync(app.Client, "alice");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(response.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task Successful_sign_in_resets_the_users_counter_and_keeps_the_addresss()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 2);
        Assert.That(await CountAsync(app, "ip:unknown"), Is.EqualTo(2));
        using var response = await PostLoginAsync(app.Client, "alice", "correct");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await CountAsync(app, "user:alice"), Is.Null);
        Assert.That(await CountAsync(app, "ip:unknown"), Is.EqualTo(3), "a sign-in to the client's own account buys it no guesses");
    }

    [Test]
    public async Task Failed_attempt_increments_both_counters()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 2);
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(2));
        Assert.That(await CountAsync(app, "ip:unknown"), Is.EqualTo(2));
    }

    [Test]
    public async Task User_names_are_lower_cased()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "Alice", 1);
        await FailAsync(app, "ALICE", 1);
        await FailAsync(app, "alice", 1);
        using var response = await PostLoginAsync(app.Client, "aLiCe");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(3));
    }

    [TestCase(null)]
    [TestCase("   ")]
    public async Task Missing_username_counts_against_the_address_only(string? username)
    {
        await using var app = await StartAsync();
        using var response = await PostLoginAsync(app.Client, username);
        Assert.That(await CountAsync(app, "user:"), Is.Null);
        Assert.That(await CountAsync(app, "ip:unknown"), Is.EqualTo(1));
    }

    [TestCase("ñoñó1234")]
    [TestCase("Ñoñó1234")]
    [TestCase("пользователь")]
    [TestCase("用户名")]
    public async Task Usernames_of_any_script_are_throttled(string username)
    {
        await using var app = await StartAsync();
        await FailAsync(app, username, 3);
        using var response = await PostLoginAsync(app.Client, username);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await CountAsync(app, "user:" + username.ToLowerInvariant()), Is.EqualTo(3));
        await FailAsync(app, "someone-else", 1);
    }

    [Test]
    public async Task Client_address_honours_the_forwarded_headers_middleware()
    {
        await using var app = await StartAsync(forwardedHeaders: true);
        using (await PostLoginAsync(app.Client, "alice", ip: "203.0.113.7"))
        {
        }

        Assert.That(await CountAsync(app, "ip:203.0.113.7"), Is.EqualTo(1));
    }

    [Test]
    public async Task Custom_delay_function_can_throttle_by_address()
    {
        await using var app = await StartAsync(o => o.DelayFunction = (_, ip) => (TimeSpan.Zero, ip >= 2 ? TimeSpan.FromMinutes(2) : TimeSpan.Zero), forwardedHeaders: true);
        using (await PostLoginAsync(app.Client, "a", ip: "203.0.113.7"))
        using (await PostLoginAsync(app.Client, "b", ip: "203.0.113.7"))
        {
        }

        using var refused = await PostLoginAsync(app.Client, "c", ip: "203.0.113.7");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(await refused.Content.ReadAsStringAsync(), Is.EqualTo(Denied + "2 minutes."));
        using var other = await PostLoginAsync(app.Client, "c", ip: "198.51.100.1");
        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Admin_resets_a_users_counter()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "ñoñó1234", 3);
        await app.SignInAsync("root", "Admin");
        using var response = await PostLoginAsync(app.Client, "ÑOÑÓ1234", path: "/admin/throttling/reset");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await CountAsync(app, "user:ñoñó1234"), Is.Null);
        await FailAsync(app, "ñoñó1234", 1);
    }

    [Test]
    public async Task Cross_site_reset_is_refused_and_keeps_the_counter()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 3);
        await app.SignInAsync("root", "Admin");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/throttling/reset")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice" }),
        };
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using var response = await app.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(3));
    }

    [Test]
    public async Task Reset_requires_the_antiforgery_token_when_the_app_uses_antiforgery()
    {
        await using var app = await AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder, "/account/login");
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddAntiforgery();
                builder.Services.AddLoginThrottling();
            },
            web =>
            {
                web.UseRouting();
                web.UseAuthentication();
                web.UseAuthorization();
                AuthTestApp.MapTestSignIn(web);
                web.MapPost("/account/login", (Delegate)LoginAsync);
                web.MapGet("/token", (HttpContext c, Microsoft.AspNetCore.Antiforgery.IAntiforgery a) => a.GetAndStoreTokens(c).RequestToken);
                web.MapLoginThrottlingReset("/admin/throttling/reset");
            });
        await FailAsync(app, "alice", 3);
        await app.SignInAsync("root", "Admin");

        using (var withoutToken = await PostLoginAsync(app.Client, "alice", path: "/admin/throttling/reset"))
        {
            Assert.That(withoutToken.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        }

        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(3));
        var token = await app.Client.GetStringAsync("/token");
        using var withToken = await app.Client.PostAsync("/admin/throttling/reset", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "alice",
            ["__RequestVerificationToken"] = token,
        }));
        Assert.That(withToken.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await CountAsync(app, "user:alice"), Is.Null);
    }

    [Test]
    public async Task Reset_answers_404_to_non_admins_and_keeps_the_counter()
    {
        await using var app = await StartAsync();
        await FailAsync(app, "alice", 3);
        using (var anonymous = await PostLoginAsync(app.NewClient(), "alice", path: "/admin/throttling/reset"))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        await app.SignInAsync("bob", "User");
        using var response = await PostLoginAsync(app.Client, "alice", path: "/admin/throttling/reset");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(3));
    }

    [Test]
    public async Task Reset_answers_404_for_an_unknown_user()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("root", "Admin");
        using var response = await PostLoginAsync(app.Client, "nobody", path: "/admin/throttling/reset");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var empty = await PostLoginAsync(app.Client, null, path: "/admin/throttling/reset");
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Two_hundred_parallel_failed_logins_count_exactly_two_hundred()
    {
        await using var app = await StartAsync(o =>
        {
            o.DelayFunction = (_, _) => (TimeSpan.Zero, TimeSpan.Zero);
            o.ClientFailureLimit = 0;
        });
        var attempts = Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await PostLoginAsync(app.Client, "alice");
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(attempts);
        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(await CountAsync(app, "user:alice"), Is.EqualTo(200));
        Assert.That(await CountAsync(app, "ip:unknown"), Is.EqualTo(200));
    }

    [Test]
    public async Task Throttled_attempts_are_counted_on_the_security_meter()
    {
        await using var app = await StartAsync();
        long throttled = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SecurityTelemetry.MeterName && instrument.Name == "security.login.throttled")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref throttled, value));
        listener.Start();

        await FailAsync(app, "alice", 3);
        using (await PostLoginAsync(app.Client, "alice"))
        using (await PostLoginAsync(app.Client, "alice"))
        {
        }

        Assert.That(Interlocked.Read(ref throttled), Is.EqualTo(2));
    }

    [Test]
    public void Invalid_options_fail_at_start_naming_every_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AuthTestApp.StartAsync(
            builder => builder.Services.AddLoginThrottling(o =>
            {
                o.ClientFailureLimit = -1;
                o.ClientFailureWindow = TimeSpan.Zero;
                o.UsernameHashKey = "short";
            }),
            _ => { }));
        Assert.That(error!.Failures, Has.Exactly(3).Items);
        Assert.That(error.Message, Does.Contain("Security:Auth:Throttling:ClientFailureLimit: '-1'"));
        Assert.That(error.Message, Does.Contain("Security:Auth:Throttling:ClientFailureWindow: '00:00:00'"));
        Assert.That(error.Message, Does.Contain("Security:Auth:Throttling:UsernameHashKey: is 5 characters"));
    }

    [Test]
    public async Task Counters_in_a_shared_store_without_a_hash_key_fail_at_start_naming_the_option()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => AuthTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddLoginThrottling();
                builder.Services.AddSingleton<IThrottleCounterStore>(new RecordingThrottleStore());
            },
            _ => { }));
        Assert.That(error!.Message, Does.Contain("Security:Auth:Throttling:UsernameHashKey is not set"));
    }

    [TestCase("Production", true)]
    [TestCase("Staging", true)]
    [TestCase("Development", false)]
    public async Task In_memory_counters_are_announced_once_at_startup_outside_Development(string environment, bool announced)
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await Security.Testing.TestHost.StartAsync(
            services => services.AddLoginThrottling(),
            web => web.MapPost("/login", (Delegate)LoginAsync),
            environment: environment,
            configureBuilder: builder => builder.Logging.ClearProviders().AddProvider(logs));
        using (await PostLoginAsync(app.Client, "alice", path: "/login"))
        {
        }

        var notes = logs.Lines.Count(l => l.Message.Contains("counters are per app instance", StringComparison.Ordinal));
        Assert.That(notes, Is.EqualTo(announced ? 1 : 0));
    }

    [Test]
    public void Builder_exposes_the_services_for_storage_packages()
    {
        var services = new ServiceCollection();
        IThrottleCounterStoreBuilder builder = services.AddLoginThrottling();
        Assert.That(builder.Services, Is.SameAs(services));
        Assert.That(services.Count(d => d.ServiceType == typeof(IThrottleCounterStore)), Is.EqualTo(1), "the in-memory store, replaced by a storage package");
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Auth.Internal;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// Attacks on the remembered answers to "is this user still active" and "has the password expired": a user
/// locked out, deleted or made to change the password must not keep going on an answer from before.
/// </summary>
public sealed class StaleUserCheckBypassTests
{
    private static readonly DateTimeOffset FarFuture = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private SignedInIdentityApp _app = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _app = await SignedInIdentityApp.StartAsync(_time);
        await _app.SignInAliceAsync();
        // The answers are now remembered for the interval.
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"));
    }

    [TearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [Test]
    public async Task Lockout_through_UserManager_signs_the_user_out_on_the_next_request()
    {
        await _app.ChangeAliceAsync((users, alice) => users.SetLockoutEndDateAsync(alice, FarFuture));
        await AssertSignedOutAsync();
    }

    [Test]
    public async Task Lockout_after_failed_passwords_through_UserManager_signs_the_user_out_on_the_next_request()
    {
        // What SignInManager does on a wrong password with lockoutOnFailure: true, five times by default.
        for (var i = 0; i < 5; i++)
        {
            await _app.ChangeAliceAsync((users, alice) => users.AccessFailedAsync(alice));
        }

        await AssertSignedOutAsync();
    }

    [Test]
    public async Task Deleting_the_user_through_UserManager_signs_their_cookie_out_on_the_next_request()
    {
        await _app.ChangeAliceAsync((users, alice) => users.DeleteAsync(alice));
        await AssertSignedOutAsync();
    }

    [Test]
    public async Task Deleted_user_found_only_after_the_interval_is_signed_out_and_not_remembered()
    {
        // Another instance deleted her: this one learns it when her answer is next checked.
        await using (var scope = _app.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.ExecuteDeleteAsync();
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        await AssertSignedOutAsync();
        // A ticket naming no existing user (deleted, or signed by a leaked key) takes no room in memory.
        Assert.That(_app.App.Services.GetRequiredService<UserCheckCache<bool>>().Count, Is.Zero);
    }

    [Test]
    public async Task Replayed_cookie_of_a_locked_out_user_is_refused_every_time()
    {
        // The attacker kept a copy of the cookie from before the lockout; the browser's copy was cleared.
        using var raw = _app.App.Server.CreateClient();
        using var form = new FormUrlEncodedContent([new("username", "alice"), new("password", SignedInIdentityApp.AlicePassword)]);
        using var signIn = await raw.PostAsync("/account/login", form);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal)).Split(';')[0];
        Assert.That(await GetWithCookieAsync(raw, cookie), Is.EqualTo(HttpStatusCode.OK), "the copy works before the lockout, and is remembered as active");

        await _app.ChangeAliceAsync((users, alice) => users.SetLockoutEndDateAsync(alice, FarFuture));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await GetWithCookieAsync(raw, cookie), Is.EqualTo(HttpStatusCode.Found), $"replay {i + 1}");
        }

        Assert.That(_app.App.Services.GetRequiredService<UserCheckCache<bool>>().TryGet(await _app.AliceIdAsync(), out _), Is.False, "an inactive user is never remembered");
    }

    [Test]
    public async Task App_whose_Identity_is_not_connected_is_told_at_startup()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = _time,
            ConfigureBuilder = builder => builder.Quiet().Logging.AddProvider(logs),
            ConfigureServices = services => services.AddLoginRequired(o => o.LoginUrl = "/account/login"),
            ConfigureApp = web =>
            {
                web.UseAuthentication();
                web.UseLoginRequired();
            },
        });

        Assert.That(logs.Lines.Select(l => l.Message), Has.One.EqualTo(
            "ASP.NET Core Identity is registered, but not connected to Security.Auth: a locked-out or deleted user stays signed in. Call AddIdentity(...).AddPasswordExpiry(), which tells Security.Auth the user type and makes the user manager report changes."));
    }

    [Test]
    public async Task App_whose_Identity_is_connected_is_not_warned()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = _time,
            Identity = identity => identity.AddPasswordExpiry(),
            ConfigureBuilder = builder => builder.Quiet().Logging.AddProvider(logs),
            ConfigureServices = services => services.AddLoginRequired(o => o.LoginUrl = "/account/login"),
            ConfigureApp = web =>
            {
                web.UseAuthentication();
                web.UseLoginRequired();
            },
        });

        Assert.That(logs.Lines.Select(l => l.Message), Has.None.Contains("not connected to Security.Auth").And.None.Contains("is not a PasswordExpiryUserManager"));
    }

    [Test]
    public async Task App_whose_own_user_manager_does_not_report_changes_is_told_at_startup()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = _time,
            Identity = identity => identity.AddPasswordExpiry().AddUserManager<PlainUserManager>(),
            ConfigureBuilder = builder => builder.Quiet().Logging.AddProvider(logs),
            ConfigureServices = services => services.AddLoginRequired(o => o.LoginUrl = "/account/login"),
            ConfigureApp = web =>
            {
                web.UseAuthentication();
                web.UseLoginRequired();
            },
        });

        Assert.That(logs.Lines.Select(l => l.Message), Has.One.Contains(
            "UserManager<IdentityUser> is not a PasswordExpiryUserManager: a lockout or deletion made through it takes effect within Security:Auth:LoginRequired:ValidationInterval (00:01:00)"));
    }

    /// <summary>An app's own user manager that does not derive from <c>PasswordExpiryUserManager</c>.</summary>
    private sealed class PlainUserManager(
        IUserStore<IdentityUser> store,
        IOptions<IdentityOptions> options,
        IPasswordHasher<IdentityUser> hasher,
        IEnumerable<IUserValidator<IdentityUser>> userValidators,
        IEnumerable<IPasswordValidator<IdentityUser>> passwordValidators,
        ILookupNormalizer normalizer,
        IdentityErrorDescriber errors,
        IServiceProvider services,
        ILogger<UserManager<IdentityUser>> logger)
        : UserManager<IdentityUser>(store, options, hasher, userValidators, passwordValidators, normalizer, errors, services, logger);

    [Test]
    public void Remembered_answers_are_bounded_in_number()
    {
        using var cache = new UserCheckCache<bool>(_time, maxEntries: 5);
        for (var i = 0; i < 50; i++)
        {
            cache.Set("user-" + i, true, TimeSpan.FromMinutes(1), cache.Version);
        }

        // Past the limit, new answers are not remembered (and the cache compacts in the background).
        Assert.That(cache.Count, Is.InRange(1, 5));
    }

    [Test]
    public async Task Password_expired_through_the_manager_applies_on_the_next_request()
    {
        await _app.App.Services.GetRequiredService<PasswordExpiryManager>().ExpireNowAsync(await _app.AliceIdAsync());
        await AssertSentToChangePasswordAsync();
    }

    [Test]
    public async Task Password_reset_through_UserManager_is_seen_on_the_next_request()
    {
        var manager = _app.App.Services.GetRequiredService<PasswordExpiryManager>();
        var id = await _app.AliceIdAsync();
        await manager.ExpireNowAsync(id);
        await AssertSentToChangePasswordAsync();

        await _app.ChangeAliceAsync(async (users, alice) =>
            await users.ChangePasswordAsync(alice, SignedInIdentityApp.AlicePassword, "N3w-secret"));
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"), "the change is seen at once");
    }

    [Test]
    public async Task Lockout_written_straight_to_the_database_applies_once_the_interval_has_passed()
    {
        await _app.UpdateAliceInDatabaseAsync(s => s.SetProperty(u => u.LockoutEnd, FarFuture));

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"), "within the interval, the remembered answer stands");
        _time.Advance(TimeSpan.FromSeconds(1));
        await AssertSignedOutAsync();
    }

    [Test]
    public async Task Expiry_written_straight_to_the_store_applies_once_the_interval_has_passed()
    {
        await _app.Store.SetAsync(new PasswordExpiry(await _app.AliceIdAsync(), _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"), "within the interval, the remembered answer stands");
        _time.Advance(TimeSpan.FromSeconds(1));
        await AssertSentToChangePasswordAsync();
    }

    [Test]
    public async Task Remembered_record_still_expires_at_its_own_date()
    {
        // A maximum password age: the record says "expires at noon + 30 s"; the interval is a minute.
        await _app.Store.SetAsync(new PasswordExpiry(await _app.AliceIdAsync(), _time.GetUtcNow().AddSeconds(90)));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"), "the record is read again, not expired yet");

        _time.Advance(TimeSpan.FromSeconds(30));
        await AssertSentToChangePasswordAsync();
    }

    [Test]
    public async Task Expiry_made_while_a_check_reads_the_record_is_not_hidden_by_the_remembered_answer()
    {
        var manager = _app.App.Services.GetRequiredService<PasswordExpiryManager>();
        var id = await _app.AliceIdAsync();
        _time.Advance(TimeSpan.FromMinutes(1));

        // The check reads "not expired"; before it can remember that, an admin forces a change.
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _app.Store.ReadGate = () =>
        {
            reading.TrySetResult();
            return release.Task;
        };
        var request = _app.Client.GetStringAsync("/private");
        await reading.Task;
        _app.Store.ReadGate = null;
        await manager.ExpireNowAsync(id);
        release.SetResult();
        Assert.That(await request, Is.EqualTo("private alice"), "the request in flight had read the record before the change");

        await AssertSentToChangePasswordAsync();
    }

    [Test]
    public async Task Lockout_made_while_a_check_reads_the_user_is_not_hidden_by_the_remembered_answer()
    {
        _time.Advance(TimeSpan.FromMinutes(1));
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The check has read Alice (not locked out); before it can remember that, an admin locks her out.
        _app.Commands.ReadGate = () =>
        {
            reading.TrySetResult();
            return release.Task;
        };
        var request = _app.Client.GetStringAsync("/private");
        await reading.Task;
        _app.Commands.ReadGate = null;
        await _app.ChangeAliceAsync((users, alice) => users.SetLockoutEndDateAsync(alice, FarFuture));
        release.SetResult();
        Assert.That(await request, Is.EqualTo("private alice"), "the request in flight had read her before the lockout");

        await AssertSignedOutAsync();
    }

    private static async Task<HttpStatusCode> GetWithCookieAsync(HttpClient client, string cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/private");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task AssertSignedOutAsync()
    {
        using var response = await _app.Client.GetAsync("/private");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(response.Headers.Location?.OriginalString, Does.StartWith("http://localhost/account/login?ReturnUrl="));
            Assert.That(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity.Application=;", StringComparison.Ordinal)),
                Is.True, "the sign-in cookie is cleared");
        }
    }

    private async Task AssertSentToChangePasswordAsync()
    {
        using var response = await _app.Client.GetAsync("/private");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo("/account/change-password"));
    }
}

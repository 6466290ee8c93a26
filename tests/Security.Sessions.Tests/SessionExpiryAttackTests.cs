using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Security.Abstractions;

namespace Security.Sessions.Tests;

/// <summary>
/// The attacker's side of session expiry, through a real Identity app: restarting the absolute limit,
/// reading or writing a signed-in user's session with a cookie held from before the sign-in, and a
/// session store that is down.
/// </summary>
public class SessionExpiryAttackTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(20);
    private IdentitySessionHost _app = null!;

    [SetUp]
    public async Task StartAsync() => _app = await IdentitySessionHost.StartAsync();

    [TearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [TestCase("dropped")]
    [TestCase("replaced")]
    [TestCase("forged")]
    public async Task Renewed_auth_cookie_and_a_session_cookie_the_client_changes_still_expire_at_the_absolute_limit(string sessionCookie)
    {
        using var victim = _app.NewBrowser();
        await victim.SignInAsync("alice");
        var firstTicket = victim.Cookie(IdentitySessionHost.AuthCookie);

        // Active every 20 minutes up to the two-hour limit; the security stamp check renews the cookie each time.
        for (var i = 1; i <= 6; i++)
        {
            _app.Time.Advance(Step);
            Assert.That(await victim.GetAsync("/whoami"), Is.EqualTo("alice"), $"{i * 20} minutes after the sign-in");
        }

        Assert.That(victim.Cookie(IdentitySessionHost.AuthCookie), Is.Not.EqualTo(firstTicket), "the authentication cookie was renewed");

        _app.Time.Advance(TimeSpan.FromSeconds(1));
        switch (sessionCookie)
        {
            case "dropped":
                victim.DropCookie(IdentitySessionHost.SessionCookie);
                break;
            case "replaced":
                using (var other = _app.NewBrowser())
                {
                    await other.GetAsync("/data/set/other");
                    victim.SetCookie(IdentitySessionHost.SessionCookie, other.Cookie(IdentitySessionHost.SessionCookie)!);
                }

                break;
            default:
                victim.SetCookie(IdentitySessionHost.SessionCookie, "CfDJ8Forged" + new string('A', 120));
                break;
        }

        Assert.That(await victim.GetAsync("/whoami"), Is.EqualTo("anonymous"), "two hours and a second after the sign-in");
        Assert.That(await victim.GetAsync("/whoami"), Is.EqualTo("anonymous"), "and the authentication cookie is gone");
    }

    [Test]
    public async Task Identitys_RefreshSignInAsync_neither_restarts_the_limit_nor_empties_the_session()
    {
        using var user = _app.NewBrowser();
        await user.SignInAsync("alice");
        await user.GetAsync("/data/set/draft");
        for (var i = 0; i < 4; i++)
        {
            _app.Time.Advance(Step);
            await user.GetAsync("/whoami");
        }

        _app.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(await user.PostAsync("/refresh"), Is.EqualTo("refreshed"));
        Assert.That(await user.GetAsync("/data"), Is.EqualTo("draft"), "a refresh is not a new sign-in");

        _app.Time.Advance(Step);
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("alice"));
        _app.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("anonymous"), "two hours after the sign-in, not after the refresh");
    }

    [Test]
    public async Task Planted_session_cookie_reads_nothing_of_the_victims_data()
    {
        using var attacker = _app.NewBrowser();
        await attacker.GetAsync("/data/set/planted-by-attacker");
        using var victim = _app.NewBrowser();
        victim.SetCookie(IdentitySessionHost.SessionCookie, attacker.Cookie(IdentitySessionHost.SessionCookie)!);

        await victim.SignInAsync("alice");
        Assert.That(await victim.GetAsync("/data"), Is.EqualTo("empty"), "the victim starts from an empty session, not the attacker's");
        await victim.GetAsync("/data/set/victim-secret");

        Assert.That(victim.Cookie(IdentitySessionHost.SessionCookie), Is.Not.EqualTo(attacker.Cookie(IdentitySessionHost.SessionCookie)),
            "the sign-in issued a new session cookie");
        Assert.That(await attacker.GetAsync("/data"), Is.EqualTo("empty"), "the planted cookie reads nothing");
        Assert.That(await victim.GetAsync("/data"), Is.EqualTo("victim-secret"));
    }

    [Test]
    public async Task Planted_session_cookie_cannot_write_into_the_victims_session()
    {
        using var attacker = _app.NewBrowser();
        await attacker.GetAsync("/data/set/attacker");
        using var victim = _app.NewBrowser();
        victim.SetCookie(IdentitySessionHost.SessionCookie, attacker.Cookie(IdentitySessionHost.SessionCookie)!);
        await victim.SignInAsync("alice");
        await victim.GetAsync("/data/set/victim-secret");

        await attacker.GetAsync("/data/set/written-by-attacker");

        Assert.That(await victim.GetAsync("/data"), Is.EqualTo("victim-secret"));
    }

    [Test]
    public async Task Planted_session_cookie_racing_the_sign_in_with_parallel_writes_reaches_nothing_of_the_victim()
    {
        using var attacker = _app.NewBrowser();
        await attacker.GetAsync("/data/set/attacker");
        using var victim = _app.NewBrowser();
        victim.SetCookie(IdentitySessionHost.SessionCookie, attacker.Cookie(IdentitySessionHost.SessionCookie)!);

        var writes = Enumerable.Range(0, 20).Select(i => attacker.GetAsync($"/data/set/attacker-{i}")).ToList();
        await victim.SignInAsync("alice");
        await Task.WhenAll(writes);
        writes = Enumerable.Range(20, 20).Select(i => attacker.GetAsync($"/data/set/attacker-{i}")).ToList();
        await Task.WhenAll(writes);

        Assert.That(await victim.GetAsync("/data"), Is.EqualTo("empty"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task User_B_signing_in_on_user_As_session_sees_none_of_As_data(bool aSignsOutFirst)
    {
        using var sharedComputer = _app.NewBrowser();
        await sharedComputer.SignInAsync("alice");
        await sharedComputer.GetAsync("/data/set/alice-secret");
        if (aSignsOutFirst)
        {
            // Identity's own sign-out leaves ASP.NET Core's session as it is.
            await sharedComputer.PostAsync("/logout");
        }

        await sharedComputer.SignInAsync("bob");

        Assert.That(await sharedComputer.GetAsync("/whoami"), Is.EqualTo("bob"));
        Assert.That(await sharedComputer.GetAsync("/data"), Is.EqualTo("empty"));
    }

    [Test]
    public async Task Anonymous_visitor_after_an_Identity_sign_out_sees_none_of_the_users_data()
    {
        using var sharedComputer = _app.NewBrowser();
        await sharedComputer.SignInAsync("alice");
        await sharedComputer.GetAsync("/data/set/alice-secret");
        await sharedComputer.PostAsync("/logout");

        Assert.That(await sharedComputer.GetAsync("/data"), Is.EqualTo("empty"));
    }

    [Test]
    public async Task Another_users_session_cookie_next_to_a_signed_in_cookie_reads_nothing()
    {
        using var alice = _app.NewBrowser();
        await alice.SignInAsync("alice");
        await alice.GetAsync("/data/set/alice-secret");
        using var bob = _app.NewBrowser();
        await bob.SignInAsync("bob");

        bob.SetCookie(IdentitySessionHost.SessionCookie, alice.Cookie(IdentitySessionHost.SessionCookie)!);

        Assert.That(await bob.GetAsync("/data"), Is.EqualTo("empty"));
        Assert.That(bob.Cookie(IdentitySessionHost.SessionCookie), Is.Not.EqualTo(alice.Cookie(IdentitySessionHost.SessionCookie)), "bob was given a session of his own");
    }

    [TestCase("")]
    [TestCase("=")]
    [TestCase("%ZZ")]
    [TestCase("not base64 at all!")]
    [TestCase("AAAA")]
    [TestCase("CfDJ8")]
    [TestCase("\u00e9\u0000\r")]
    [TestCase(null, Description = "4,000 base64 characters")]
    public async Task Any_session_cookie_value_is_answered_without_an_error(string? value)
    {
        using var user = _app.NewBrowser();
        await user.SignInAsync("alice");
        await user.GetAsync("/data/set/alice-secret");
        value ??= new string('Q', 4000);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/data");
        request.Headers.TryAddWithoutValidation("Cookie",
            $"{IdentitySessionHost.AuthCookie}={user.Cookie(IdentitySessionHost.AuthCookie)}; {IdentitySessionHost.SessionCookie}={value}");
        using var response = await _app.RawClient.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("empty"), "a session that is not the user's shows nothing");
    }

    [Test]
    public async Task Store_down_signs_a_signed_in_user_out_by_default()
    {
        using var user = _app.NewBrowser();
        await user.SignInAsync("alice");

        _app.Cache.Down = true;
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("anonymous"));

        _app.Cache.Down = false;
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("anonymous"), "the authentication cookie was removed");
    }

    [Test]
    public async Task Sign_in_while_the_store_is_down_answers_without_an_error_and_then_signs_out()
    {
        using var user = _app.NewBrowser();
        await user.GetAsync("/data/set/before");

        _app.Cache.Down = true;
        Assert.That(await user.SignInAsync("alice"), Is.EqualTo("signed in"));
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("anonymous"), "the session cannot be checked");

        _app.Cache.Down = false;
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("anonymous"), "the authentication cookie was removed");
        Assert.That(await user.GetAsync("/data"), Is.EqualTo("empty"), "the sign-in moved the browser to a new session key");
    }

    [Test]
    public async Task Store_down_is_logged_and_counted()
    {
        using var collector = new MetricCollector<long>(_app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityTelemetry.MeterName, "security.sessions.store_unavailable");
        using var user = _app.NewBrowser();
        await user.SignInAsync("alice");

        _app.Cache.Down = true;
        await user.GetAsync("/whoami");

        var measurement = collector.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Tags["action"], Is.EqualTo("sign_out"));
        Assert.That(measurement.Tags["signed_in"], Is.EqualTo(true));
        var record = _app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Category == "Security.Sessions.Internal.SessionExpiryMiddleware" && r.Id.Id == 4002);
        Assert.That(record.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(record.Message, Is.EqualTo("Session store unavailable; session expiry could not be checked (action: sign_out, signed-in user: True)."));
        Assert.That(record.Exception, Is.InstanceOf<InvalidOperationException>(), "the store's own error is logged with it");
    }

    [Test]
    public async Task Store_down_with_Reject_answers_503_with_Retry_After()
    {
        await _app.DisposeAsync();
        _app = await IdentitySessionHost.StartAsync(o => o.OnStoreUnavailable = SessionStoreUnavailableAction.Reject);
        using var user = _app.NewBrowser();
        await user.SignInAsync("alice");

        _app.Cache.Down = true;
        using var response = await user.Client.GetAsync("/whoami");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        _app.Cache.Down = false;
        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("alice"), "still signed in once the store is back");
    }

    [Test]
    public async Task Store_down_with_Allow_lets_the_signed_in_user_through()
    {
        await _app.DisposeAsync();
        _app = await IdentitySessionHost.StartAsync(o => o.OnStoreUnavailable = SessionStoreUnavailableAction.Allow);
        using var user = _app.NewBrowser();
        await user.SignInAsync("alice");

        _app.Cache.Down = true;

        Assert.That(await user.GetAsync("/whoami"), Is.EqualTo("alice"));
    }

    [TestCase(SessionStoreUnavailableAction.SignOut)]
    [TestCase(SessionStoreUnavailableAction.Reject)]
    [TestCase(SessionStoreUnavailableAction.Allow)]
    public async Task Store_down_lets_anonymous_requests_through(SessionStoreUnavailableAction action)
    {
        await _app.DisposeAsync();
        _app = await IdentitySessionHost.StartAsync(o => o.OnStoreUnavailable = action);
        using var visitor = _app.NewBrowser();
        await visitor.GetAsync("/data/set/visitor");

        _app.Cache.Down = true;

        Assert.That(await visitor.GetAsync("/whoami"), Is.EqualTo("anonymous"));
    }
}

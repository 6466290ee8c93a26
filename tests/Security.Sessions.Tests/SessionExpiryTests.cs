using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Security.Abstractions;

namespace Security.Sessions.Tests;

public class SessionExpiryTests
{
    private static readonly TimeSpan Inactivity = TimeSpan.FromMinutes(30);

    [Test]
    public async Task Fresh_session_gets_start_and_last_activity_set_to_now()
    {
        await using var host = await SessionHost.StartAsync();

        await host.GetAsync("/cart/set/book");

        var times = await host.ReadTimesAsync();
        Assert.That(times, Is.Not.Null);
        Assert.That(times!.Value.Start, Is.EqualTo(SessionHost.Epoch));
        Assert.That(times.Value.Last, Is.EqualTo(SessionHost.Epoch));
    }

    [Test]
    public async Task Activity_refreshes_last_activity_but_not_start()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");

        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.GetAsync("/");

        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch));
        Assert.That(times.Last, Is.EqualTo(SessionHost.Epoch.AddMinutes(10)));
    }

    [Test]
    public async Task Idle_exactly_the_inactivity_timeout_is_not_expired()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");

        host.Time.Advance(Inactivity);

        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("book"));
    }

    [Test]
    public async Task Idle_one_tick_past_the_inactivity_timeout_clears_an_anonymous_session()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");

        host.Time.Advance(Inactivity + TimeSpan.FromTicks(1));

        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("empty"));
        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(host.Time.GetUtcNow()), "a new session starts at expiry");
    }

    [Test]
    public async Task Absolute_timeout_expires_a_session_despite_constant_activity()
    {
        await using var host = await SessionHost.StartAsync(o => o.AbsoluteTimeout = TimeSpan.FromHours(2));
        await host.GetAsync("/signin/alice");

        for (var i = 0; i < 12; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(10));
            Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"), $"after {(i + 1) * 10} minutes");
        }

        host.Time.Advance(TimeSpan.FromTicks(1));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"), "the auth cookie was removed, not just ignored once");
    }

    [Test]
    public async Task Signed_in_user_idle_past_the_timeout_is_signed_out()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"));

        host.Time.Advance(Inactivity + TimeSpan.FromSeconds(1));

        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"));
    }

    [Test]
    public async Task Exempt_path_neither_checks_nor_refreshes_activity()
    {
        await using var host = await SessionHost.StartAsync(o => o.ExemptPaths.Add("health$"));
        await host.GetAsync("/cart/set/book");

        host.Time.Advance(TimeSpan.FromMinutes(20));
        await host.GetAsync("/health");
        Assert.That((await host.ReadTimesAsync())!.Value.Last, Is.EqualTo(SessionHost.Epoch), "the exempt request did not count as activity");

        host.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.That(await host.GetAsync("/health"), Is.EqualTo("ok"));
        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("empty"), "40 idle minutes expire the session on the next checked request");
    }

    [Test]
    public async Task Corrupted_stored_times_start_a_new_session()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        await host.GetAsync("/corrupt");

        host.Time.Advance(TimeSpan.FromMinutes(5));
        await host.GetAsync("/");

        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch.AddMinutes(10)));
        Assert.That(times.Last, Is.EqualTo(SessionHost.Epoch.AddMinutes(10)));
    }

    [Test]
    public async Task Dropped_session_cookie_does_not_extend_a_signed_in_session()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        await host.GetAsync("/whoami");

        host.Time.Advance(TimeSpan.FromMinutes(29));
        host.DropCookie(".AspNetCore.Session");
        host.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"),
            "31 idle minutes since sign-in expire the user even with a new session cookie");
    }

    [Test]
    public async Task Dropped_session_cookie_keeps_the_sign_in_time_as_start()
    {
        await using var host = await SessionHost.StartAsync(o => o.AbsoluteTimeout = TimeSpan.FromHours(1));
        await host.GetAsync("/signin/alice");

        host.Time.Advance(TimeSpan.FromMinutes(10));
        host.DropCookie(".AspNetCore.Session");
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"));
        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch), "the new session starts at the sign-in, not now");
        Assert.That(times.Owner, Is.EqualTo("alice"));

        for (var i = 0; i < 5; i++)
        {
            host.Time.Advance(TimeSpan.FromMinutes(10));
            Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"));
        }

        host.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"), "61 minutes after sign-in");
    }

    [Test]
    public async Task Ticket_without_a_recorded_sign_in_falls_back_to_its_issue_time()
    {
        await using var host = await SessionHost.StartAsync(o => o.AbsoluteTimeout = TimeSpan.FromHours(1));
        await host.GetAsync("/legacy-signin/alice");

        host.Time.Advance(TimeSpan.FromMinutes(10));
        host.DropCookie(".AspNetCore.Session");
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"));
        Assert.That((await host.ReadTimesAsync())!.Value.Start, Is.EqualTo(SessionHost.Epoch), "the ticket's issue time");

        host.Time.Advance(TimeSpan.FromMinutes(50) + TimeSpan.FromSeconds(1));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"));
    }

    [Test]
    public async Task Old_authentication_cookie_replayed_after_expiry_is_signed_out_again()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        await host.GetAsync("/whoami");
        var stolen = host.Cookies.GetCookies(new Uri("http://localhost"))[".AspNetCore.Cookies"]!.Value;

        host.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"));

        // A client that ignores the deletion keeps sending the old cookie with the new session.
        host.Cookies.Add(new Uri("http://localhost"), new System.Net.Cookie(".AspNetCore.Cookies", stolen));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"), "the ticket predates the session that replaced the expired one");
    }

    [Test]
    public async Task Session_of_another_user_does_not_carry_its_times_over()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        await host.GetAsync("/whoami");

        host.Time.Advance(TimeSpan.FromMinutes(10));
        await host.GetAsync("/signin/bob");
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("bob"));

        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Owner, Is.EqualTo("bob"));
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch.AddMinutes(10)), "bob's session starts at his sign-in");
    }

    [Test]
    public async Task Sign_in_starts_a_new_session_of_the_user_at_the_sign_in()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.GetAsync("/signin/alice");

        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch.AddMinutes(1)));
        Assert.That(times.Owner, Is.EqualTo("alice"));
        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("empty"), "what the anonymous visitor put there is gone");
    }

    [Test]
    public async Task Expiry_is_counted_on_the_security_meter()
    {
        await using var host = await SessionHost.StartAsync();
        using var collector = new MetricCollector<long>(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            SecurityTelemetry.MeterName, "security.sessions.expired");
        await host.GetAsync("/signin/alice");

        host.Time.Advance(TimeSpan.FromHours(1));
        await host.GetAsync("/whoami");

        var measurement = collector.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(1));
        Assert.That(measurement.Tags["reason"], Is.EqualTo("inactivity"));
        Assert.That(measurement.Tags["signed_in"], Is.EqualTo(true));
    }

    [Test]
    public async Task Missing_session_middleware_is_a_clear_error()
    {
        await using var host = await SessionHost.StartAsync(useSession: false);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.GetAsync("/"));

        Assert.That(error!.Message, Does.Contain("app.UseSession()"));
    }
}

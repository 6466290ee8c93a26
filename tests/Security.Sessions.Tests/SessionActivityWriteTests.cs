namespace Security.Sessions.Tests;

/// <summary>
/// Last activity is stored once it has moved by a tenth of the inactivity timeout, not on every request; the
/// inactivity limit then holds to that step: a session ends at most one step early, never late.
/// </summary>
public class SessionActivityWriteTests
{
    private static readonly TimeSpan Inactivity = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(3);

    [Test]
    public async Task Steady_browsing_within_a_step_stores_nothing()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        await host.GetAsync("/whoami");
        var writes = host.Cache.Writes;

        for (var i = 0; i < 10; i++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(10));
            Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"));
        }

        Assert.That(host.Cache.Writes, Is.EqualTo(writes), "ten requests within three minutes store no session");
        Assert.That((await host.ReadTimesAsync())!.Value.Last, Is.EqualTo(SessionHost.Epoch));
    }

    [Test]
    public async Task Activity_a_step_after_the_stored_one_is_stored()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");

        host.Time.Advance(Step);
        await host.GetAsync("/whoami");

        Assert.That((await host.ReadTimesAsync())!.Value.Last, Is.EqualTo(SessionHost.Epoch + Step));
        host.Time.Advance(Inactivity);
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"), "exactly the timeout after the stored activity");
    }

    [Test]
    public async Task Activity_just_under_a_step_is_not_stored_so_the_session_ends_at_most_a_step_early()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");

        host.Time.Advance(Step - TimeSpan.FromTicks(1));
        await host.GetAsync("/whoami");
        Assert.That((await host.ReadTimesAsync())!.Value.Last, Is.EqualTo(SessionHost.Epoch));

        host.Time.Advance(Inactivity - Step + TimeSpan.FromTicks(2));
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("anonymous"),
            "one tick past the timeout after the stored activity, less than a step short of it after the real one");
    }
}

namespace Security.Sessions.Tests;

/// <summary>
/// An exempt path is exempt in every spelling that routing sends to the same endpoint: case, a
/// trailing slash, the app's PathBase, percent-encoded letters.
/// </summary>
public class SessionPathSpellingTests
{
    [TestCase("/health", Description = "lower case")]
    [TestCase("/HEALTH", Description = "upper case")]
    [TestCase("/HeAlTh", Description = "mixed case")]
    [TestCase("/health/", Description = "trailing slash")]
    [TestCase("/app/health", Description = "PathBase")]
    [TestCase("/APP/Health/", Description = "PathBase, case and trailing slash")]
    [TestCase("/%68ealth", Description = "percent-encoded letter")]
    [TestCase("/%48EALTH", Description = "percent-encoded upper-case letter")]
    public async Task Exempt_path_is_neither_checked_nor_refreshed_in_any_spelling(string path)
    {
        await using var host = await SessionHost.StartAsync(o => o.ExemptPaths.Add("health(/|$)"));
        await host.GetAsync("/cart/set/book");

        // Idle past the inactivity timeout: a checked request would expire the session and restart its times.
        host.Time.Advance(TimeSpan.FromMinutes(40));
        Assert.That(await host.GetAsync(path), Is.EqualTo("ok"), "routing reaches the endpoint");

        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch), "not checked: the session was not expired");
        Assert.That(times.Last, Is.EqualTo(SessionHost.Epoch), "not refreshed: last activity did not move");
    }

    [TestCase("/healthcare-admin")]
    [TestCase("/HEALTHY")]
    public async Task A_pattern_ended_with_a_slash_or_end_does_not_exempt_longer_paths(string path)
    {
        await using var host = await SessionHost.StartAsync(o => o.ExemptPaths.Add("health(/|$)"));
        await host.GetAsync("/cart/set/book");

        host.Time.Advance(TimeSpan.FromMinutes(40));
        await host.Client.GetAsync(path);

        Assert.That((await host.ReadTimesAsync())!.Value.Start, Is.EqualTo(SessionHost.Epoch.AddMinutes(40)), "checked: the idle session expired");
    }
}

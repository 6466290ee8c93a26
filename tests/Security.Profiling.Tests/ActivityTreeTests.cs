using Microsoft.AspNetCore.Builder;
using Security.Testing;

namespace Security.Profiling.Tests;

public sealed class ActivityTreeTests
{
    [Test]
    public async Task HttpClient_calls_show_with_safe_tags_only()
    {
        await using var backend = await TestHost.StartKestrelAsync(null, app => app.MapGet("/pong", () => "pong"));
        using var client = new HttpClient { BaseAddress = backend.BaseAddress };
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/ping", async () => await client.GetStringAsync("pong?token=zq-query-secret")));
        await using var _ = app;

        var context = await app.SendAsync("/ping");

        Assert.That(context.Body(), Is.EqualTo("pong"));
        var profile = logs.Profiles.Single().Message;
        await TestContext.Out.WriteLineAsync(profile);
        Assert.That(profile, Does.Match(@"\n  GET \[System\.Net\.Http\] \d+\.\d ms \(server\.address=127\.0\.0\.1, http\.response\.status_code=200\)"));
        Assert.That(logs.AllText, Does.Not.Contain("zq-query-secret"));
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Builder;

namespace Security.Profiling.Tests;

/// <summary>
/// Profiling listens to activity sources only while a profile is being taken, and never to a source
/// whose activities a profile cannot hold.
/// </summary>
public sealed class ActivityListenerTests
{
    private static readonly ActivitySource App = new("Tests.ActivityListener");

    [Test]
    public async Task No_source_has_a_listener_while_no_profile_is_running()
    {
        bool? duringUnprofiled = null;
        bool? duringProfiled = null;
        var (app, logs) = await ProfilingHost.StartAsync(app =>
        {
            app.MapGet("/unprofiled", () => duringUnprofiled = App.HasListeners());
            app.MapGet("/profiled", () =>
            {
                duringProfiled = App.HasListeners();
                using var activity = App.StartActivity("work");
                return activity is null ? "none" : "created";
            });
        });
        await using var _ = app;

        Assert.That(App.HasListeners(), Is.False, "after startup");
        await app.SendAsync("/unprofiled", profile: false);
        var profiled = await app.SendAsync("/profiled");

        Assert.That(duringUnprofiled, Is.False);
        Assert.That(duringProfiled, Is.True);
        Assert.That(profiled.Body(), Is.EqualTo("created"));
        Assert.That(logs.Profiles.Single().Message, Does.Contain("work [Tests.ActivityListener]"));
        Assert.That(App.HasListeners(), Is.False, "after the profile");
    }

    [Test]
    public async Task The_listener_stays_until_the_last_of_two_concurrent_profiles_ends()
    {
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool? duringSecond = null;
        var (app, _) = await ProfilingHost.StartAsync(app =>
        {
            app.MapGet("/first", async () =>
            {
                firstRunning.SetResult();
                await releaseFirst.Task.WaitAsync(TimeSpan.FromSeconds(30));
                return "first";
            });
            app.MapGet("/second", () => "second");
            app.MapGet("/probe", () => duringSecond = App.HasListeners());
        });
        await using var _ = app;

        var first = app.SendAsync("/first");
        await firstRunning.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await app.SendAsync("/second");
        await app.SendAsync("/probe", profile: false);
        releaseFirst.SetResult();
        await first;

        Assert.That(duringSecond, Is.True, "the first profile is still running");
        Assert.That(App.HasListeners(), Is.False, "both profiles ended");
    }

    [Test]
    public async Task Twenty_concurrent_profiles_each_record_their_own_activity_and_leave_no_listener_behind()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/work/{id}", async (string id) =>
        {
            await Task.Yield();
            using (App.StartActivity("work-" + id))
            {
                await Task.Yield();
            }

            return id;
        }));
        await using var _ = app;

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => app.SendAsync("/work/" + i)));

        var profiles = logs.Profiles.Select(p => p.Message).ToList();
        Assert.That(profiles, Has.Count.EqualTo(20));
        for (var i = 0; i < 20; i++)
        {
            var own = profiles.Single(p => p.Contains($"GET /work/{i}\n", StringComparison.Ordinal));
            Assert.That(own, Does.Contain($"Activities (1):\n  work-{i} [Tests.ActivityListener]"), own);
        }

        Assert.That(App.HasListeners(), Is.False);
    }

    [Test]
    public async Task A_source_a_profile_does_not_report_is_not_listened_to_during_a_profile()
    {
        // The name of ASP.NET Core's hosting source, whose request activity starts before any middleware.
        using var hosting = new ActivitySource("Microsoft.AspNetCore");
        bool? reportedSource = null;
        bool? unreportedSource = null;
        Activity? unreportedActivity = null;
        var (app, _) = await ProfilingHost.StartAsync(app => app.MapGet("/profiled", () =>
        {
            reportedSource = App.HasListeners();
            unreportedSource = hosting.HasListeners();
            unreportedActivity = hosting.StartActivity("not-reported");
            unreportedActivity?.Dispose();
            return "ok";
        }));
        await using var _ = app;

        await app.SendAsync("/profiled");

        Assert.That(reportedSource, Is.True);
        Assert.That(unreportedSource, Is.False);
        Assert.That(unreportedActivity, Is.Null);
    }
}

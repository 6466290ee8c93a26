using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Profiling.Tests;

/// <summary>
/// CPU sampling through a real in-process EventPipe session: the request's own hot method comes
/// out on top, one request is sampled at a time, and it is off unless asked for.
/// </summary>
public sealed partial class CpuSamplingTests
{
    // A busy loop of known cost: about 200 million multiply-adds, a few hundred milliseconds.
    private const int Iterations = 200_000_000;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    private static long BusyLoopOfKnownCost(int iterations)
    {
        var value = 17L;
        for (var i = 0; i < iterations; i++)
        {
            value = (value * 31) + i;
        }

        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    private static long NeighbourBusyLoop(int iterations)
    {
        var value = 3L;
        for (var i = 0; i < iterations; i++)
        {
            value = (value * 7) + i;
        }

        return value;
    }

    private static Task<(TestApp App, CapturedLogs Logs)> StartAsync(Action<WebApplication> endpoints, bool sampler = true) =>
        ProfilingHost.StartAsync(endpoints, o => o.CpuSampling = true, s =>
        {
            if (sampler)
            {
                s.AddSecurityProfiling().AddSampling();
            }
        });

    [Test]
    public async Task The_slow_method_is_at_the_top_of_the_exclusive_samples()
    {
        var (app, logs) = await StartAsync(app => app.MapGet("/slow", async () =>
        {
            await Task.Yield();
            return BusyLoopOfKnownCost(Iterations);
        }));
        await using var _ = app;

        await app.SendAsync("/slow");

        var profile = logs.Profiles.Single().Message;
        await TestContext.Out.WriteLineAsync(profile);
        var exclusive = Section(profile, "Top functions by exclusive samples:");
        Assert.That(exclusive, Is.Not.Empty, profile);
        Assert.That(exclusive[0], Does.Contain(nameof(BusyLoopOfKnownCost)), profile);
        var inclusive = Section(profile, "Top functions by inclusive samples");
        Assert.That(inclusive.Any(line => line.Contains(nameof(BusyLoopOfKnownCost), StringComparison.Ordinal)), Is.True, profile);
    }

    [Test]
    public async Task Two_apps_sampling_at_once_each_see_only_their_own_request()
    {
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (first, firstLogs) = await StartAsync(app => app.MapGet("/slow", async () =>
        {
            firstRunning.SetResult();
            await secondRunning.Task;
            return BusyLoopOfKnownCost(Iterations);
        }));
        await using var _ = first;
        var (second, secondLogs) = await StartAsync(app => app.MapGet("/slow", async () =>
        {
            secondRunning.SetResult();
            await firstRunning.Task;
            return NeighbourBusyLoop(Iterations);
        }));
        await using var __ = second;

        // Both busy loops run at the same time, each under its own app's sampling session.
        await Task.WhenAll(first.SendAsync("/slow"), second.SendAsync("/slow"));

        var firstProfile = firstLogs.Profiles.Single().Message;
        var secondProfile = secondLogs.Profiles.Single().Message;
        Assert.That(Section(firstProfile, "Top functions by exclusive samples:").FirstOrDefault(), Does.Contain(nameof(BusyLoopOfKnownCost)), firstProfile);
        Assert.That(Section(secondProfile, "Top functions by exclusive samples:").FirstOrDefault(), Does.Contain(nameof(NeighbourBusyLoop)), secondProfile);
        Assert.That(firstProfile, Does.Not.Contain(nameof(NeighbourBusyLoop)));
        Assert.That(secondProfile, Does.Not.Contain(nameof(BusyLoopOfKnownCost)));
    }

    [Test]
    public async Task A_second_profiled_request_while_one_is_sampled_says_it_was_not_sampled()
    {
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, logs) = await StartAsync(app =>
        {
            app.MapGet("/first", async () =>
            {
                firstStarted.SetResult();
                await releaseFirst.Task;
                return "first";
            });
            app.MapGet("/second", () => "second");
        });
        await using var _ = app;

        var first = app.SendAsync("/first");
        await firstStarted.Task;
        await app.SendAsync("/second");
        releaseFirst.SetResult();
        await first;
        await app.SendAsync("/second");

        var profiles = logs.Profiles.Select(p => p.Message).ToList();
        Assert.That(profiles, Has.Count.EqualTo(3));
        Assert.That(profiles[0], Does.Contain("GET /second").And.Contain("Top functions: not sampled (another profiled request was being sampled)"));
        Assert.That(profiles[1], Does.Contain("GET /first").And.Contain("Top functions by exclusive samples:"));
        Assert.That(profiles[2], Does.Contain("GET /second").And.Contain("Top functions by exclusive samples:"), "sampling is free again once the first request ends");
    }

    [Test]
    public async Task Twenty_concurrent_profiled_requests_all_answer_and_each_is_sampled_or_says_why_not()
    {
        var (app, logs) = await StartAsync(app => app.MapGet("/race", async () =>
        {
            await Task.Yield();
            return "ok";
        }));
        await using var _ = app;

        var contexts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => app.SendAsync("/race")));

        Assert.That(contexts.Select(c => c.Response.StatusCode), Is.All.EqualTo(200));
        var profiles = logs.Profiles.Select(p => p.Message).ToList();
        Assert.That(profiles, Has.Count.EqualTo(20));
        var unexplained = profiles.Where(p => !p.Contains("Top functions by exclusive samples:", StringComparison.Ordinal)
            && !p.Contains("Top functions: not sampled (another profiled request was being sampled)", StringComparison.Ordinal));
        Assert.That(unexplained, Is.Empty);
        Assert.That(profiles.Count(p => p.Contains("Top functions by exclusive samples:", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task Sampling_is_off_by_default_and_the_profile_has_no_top_functions()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/", () => "ok"), services: s => s.AddSecurityProfiling().AddSampling());
        await using var _ = app;

        await app.SendAsync("/");

        Assert.That(logs.Profiles.Single().Message, Does.Not.Contain("Top functions"));
    }

    [Test]
    public void Sampling_on_without_the_sampler_stops_the_app_naming_the_option()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(app => app.MapGet("/", () => "ok"), sampler: false));

        Assert.That(error!.Message, Does.StartWith("Security:Profiling:CpuSampling is true").And.Contain("AddSecurityProfiling().AddSampling()"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_sampler_that_throws_costs_the_profile_its_top_functions_not_the_response(bool throwsOnStart)
    {
        var (app, logs) = await ProfilingHost.StartAsync(
            app => app.MapGet("/", () => "ok"),
            o => o.CpuSampling = true,
            s => s.AddSingleton<IProfilingSampler>(new ThrowingSampler(throwsOnStart)));
        await using var _ = app;

        var context = await app.SendAsync("/");

        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
        Assert.That(context.Body(), Is.EqualTo("ok"));
        Assert.That(logs.Profiles.Single().Message, Does.Contain("Top functions: not sampled (the sampler failed"));
        Assert.That(logs.Profiling.Any(e => e.EventId.Name == "SamplerFailed"), Is.True);
    }

    // The method lines of one top-functions list.
    private static List<string> Section(string profile, string heading)
    {
        var lines = profile.Split('\n');
        var start = Array.FindIndex(lines, line => line.StartsWith(heading, StringComparison.Ordinal));
        if (start < 0)
        {
            return [];
        }

        return [.. lines.Skip(start + 2).TakeWhile(line => MethodLine().IsMatch(line))];
    }

    [GeneratedRegex(@"^\s+\d+\s+\d+\.\d\s+\d+\s+\d+\.\d  \S")]
    private static partial Regex MethodLine();

    private sealed class ThrowingSampler(bool onStart) : IProfilingSampler, IProfilingSamplingSession
    {
        public IProfilingSamplingSession? TryStart() => onStart ? throw new InvalidOperationException("start") : this;

        public Task<SampledFunctions> StopAsync() => throw new InvalidOperationException("stop");
    }
}

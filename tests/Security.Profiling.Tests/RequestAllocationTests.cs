using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;

namespace Security.Profiling.Tests;

/// <summary>
/// The allocation figure is the request's own: what its code allocates, on whatever thread its
/// awaits resume, and nothing that another request allocates at the same time.
/// </summary>
public sealed partial class RequestAllocationTests
{
    private const int OwnBytes = 4 * 1024 * 1024;
    private const int NeighbourBytes = 64 * 1024 * 1024;

    [Test]
    public async Task A_concurrent_request_s_allocations_are_not_counted()
    {
        var neighbourDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (app, logs) = await ProfilingHost.StartAsync(app =>
        {
            app.MapGet("/profiled", async () =>
            {
                // Waits while the unprofiled neighbour allocates 64 MiB.
                await neighbourDone.Task;
                return "profiled";
            });
            app.MapGet("/neighbour", () =>
            {
                var total = 0L;
                for (var i = 0; i < NeighbourBytes / (1024 * 1024); i++)
                {
                    total += new byte[1024 * 1024].Length;
                }

                neighbourDone.SetResult();
                return total.ToString(CultureInfo.InvariantCulture);
            });
        });
        await using var _ = app;

        var profiled = app.SendAsync("/profiled");
        await app.SendAsync("/neighbour", profile: false);
        await profiled;

        var allocated = Allocated(logs.Profiles.Single().Message);
        Assert.That(allocated, Is.LessThan(NeighbourBytes / 4));
    }

    [Test]
    public async Task Allocations_after_an_await_and_in_a_child_task_are_counted()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/work", async () =>
        {
            await Task.Yield();
            var before = new byte[OwnBytes / 2];
            var child = await Task.Run(() => new byte[OwnBytes / 2]);
            return before.Length + child.Length;
        }));
        await using var _ = app;

        await app.SendAsync("/work");

        Assert.That(Allocated(logs.Profiles.Single().Message), Is.GreaterThanOrEqualTo(OwnBytes));
    }

    private static long Allocated(string profile)
    {
        var match = AllocatedBytes().Match(profile);
        Assert.That(match.Success, Is.True, profile);
        return long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"([\d,]+) bytes allocated")]
    private static partial Regex AllocatedBytes();
}

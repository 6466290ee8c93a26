using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Security.Profiling.Internal;

namespace Security.Profiling.Tests;

public sealed class LogLayoutTests
{
    private static readonly ActivitySource Source = new("Tests.App");

    private static async Task<string> Checkout()
    {
        using (Source.StartActivity("checkout"))
        {
            using (Source.StartActivity("load-cart"))
            {
                using (Source.StartActivity("price"))
                {
                    await Task.Yield();
                }
            }

            using (Source.StartActivity("charge"))
            {
                await Task.Yield();
            }
        }

        return "done";
    }

    private static string Probe()
    {
        using var activity = Source.StartActivity("probe");
        return activity is null ? "none" : "created";
    }

    [Test]
    public async Task Profile_is_a_separator_the_request_line_a_summary_then_sql_and_an_activity_tree()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/checkout", Checkout));
        await using var _ = app;

        await app.SendAsync("/checkout");

        var entry = logs.Profiles.Single();
        Assert.That(entry.Level, Is.EqualTo(LogLevel.Debug));
        Assert.That(entry.EventId.Name, Is.EqualTo("RequestProfiled"));
        var lines = entry.Message.Split('\n');
        Assert.That(lines, Has.Length.EqualTo(10), entry.Message);
        Assert.Multiple(() =>
        {
            Assert.That(lines[0], Does.Match("^-{80}$"));
            Assert.That(lines[1], Is.EqualTo("GET /checkout"));
            Assert.That(lines[2], Does.Match(@"^Summary: status 200, total \d+\.\d ms, app \d+\.\d ms, db 0\.0 ms in 0 queries, [\d,]+ bytes allocated by the request's own code$"));
            Assert.That(lines[3], Is.EqualTo("SQL (0 queries, 0.0 ms; parameter values are never recorded):"));
            Assert.That(lines[4], Is.EqualTo("  (none)"));
            Assert.That(lines[5], Is.EqualTo("Activities (4):"));
            Assert.That(lines[6], Does.Match(@"^  checkout \[Tests\.App\] \d+\.\d ms$"));
            Assert.That(lines[7], Does.Match(@"^    load-cart \[Tests\.App\] \d+\.\d ms$"));
            Assert.That(lines[8], Does.Match(@"^      price \[Tests\.App\] \d+\.\d ms$"));
            Assert.That(lines[9], Does.Match(@"^    charge \[Tests\.App\] \d+\.\d ms$"));
        });
    }

    [Test]
    public async Task Structured_values_name_the_method_and_path()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/checkout", Checkout));
        await using var _ = app;

        await app.SendAsync("/checkout");

        Assert.That(logs.Profiles.Single().Message, Does.StartWith(ProfileFormatter.Separator + "\nGET /checkout\nSummary: "));
    }

    [Test]
    public async Task Control_characters_in_the_path_cannot_forge_log_lines()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/{*rest}", () => "ok"));
        await using var _ = app;

        await app.SendAsync("/a\nSummary: forged");

        var lines = logs.Profiles.Single().Message.Split('\n');
        // PathString.ToString() percent-encodes what is not a URL path character.
        Assert.That(lines[1], Is.EqualTo("GET /a%0ASummary:%20forged"));
        Assert.That(lines.Count(l => l.StartsWith("Summary:", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [TestCase("a\nb", "a\\nb")]
    [TestCase("tab\there", "tab\\there")]
    [TestCase("bell\u0007", "bell\\u0007")]
    [TestCase("\u001b[31mred", "\\u001B[31mred")]
    [TestCase("plain", "plain")]
    public void Printable_escapes_control_characters(string value, string expected) =>
        Assert.That(ProfileFormatter.Printable(value), Is.EqualTo(expected));

    [Test]
    public async Task Activities_of_unprofiled_requests_are_not_created()
    {
        var (app, _) = await ProfilingHost.StartAsync(app => app.MapGet("/probe", Probe));
        await using var __ = app;

        var unprofiled = await app.SendAsync("/probe", profile: false);
        var profiled = await app.SendAsync("/probe");

        Assert.That(unprofiled.Body(), Is.EqualTo("none"));
        Assert.That(profiled.Body(), Is.EqualTo("created"));
    }
}

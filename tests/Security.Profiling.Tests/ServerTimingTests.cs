using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Security.Profiling.Internal;

namespace Security.Profiling.Tests;

public sealed partial class ServerTimingTests
{
    // W3C Server Timing, section 3: Server-Timing = #server-timing-metric;
    // metric = metric-name *( OWS ";" OWS param ); param = token OWS "=" OWS ( token / quoted-string ).
    private const string Token = @"[!#$%&'*+\-.^_`|~0-9A-Za-z]+";
    private const string QuotedString = "\"(?:[\\t \\x21\\x23-\\x5B\\x5D-\\x7E\\x80-\\xFF]|\\\\[\\t \\x21-\\x7E\\x80-\\xFF])*\"";
    private const string Metric = Token + @"(?:[ \t]*;[ \t]*" + Token + @"[ \t]*=[ \t]*(?:" + Token + "|" + QuotedString + "))*";

    [GeneratedRegex("^" + Metric + @"(?:[ \t]*,[ \t]*" + Metric + ")*$")]
    private static partial Regex ServerTimingGrammar();

    [GeneratedRegex(@"^total;dur=(\d+\.\d), db;dur=(\d+\.\d);desc=""(\d+) quer(?:y|ies)"", app;dur=(\d+\.\d)$")]
    private static partial Regex OurLayout();

    [TestCase(0, 0, 0)]
    [TestCase(12.34, 2.06, 3)]
    [TestCase(1, 1, 1)]
    [TestCase(0.04, 2, 2)]
    [TestCase(98765.4321, 1234.5, 100000)]
    public void Formatted_value_matches_the_grammar_and_adds_up(double totalMs, double dbMs, int queries)
    {
        var value = ProfileFormatter.ServerTiming(TimeSpan.FromMilliseconds(totalMs), TimeSpan.FromMilliseconds(dbMs), queries);

        Assert.That(value, Does.Match(ServerTimingGrammar()));
        var match = OurLayout().Match(value);
        Assert.That(match.Success, Is.True, value);
        var total = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var db = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var app = double.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture);
        Assert.That(match.Groups[3].Value, Is.EqualTo(queries.ToString(CultureInfo.InvariantCulture)));
        Assert.That(app, Is.EqualTo(Math.Max(0, total - db)).Within(0.11));
    }

    [Test]
    public async Task Header_is_set_before_the_body_starts_and_is_valid_under_any_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var secondWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var (app, _) = await ProfilingHost.StartAsync(app => app.MapGet("/stream", async (HttpContext context) =>
            {
                await context.Response.WriteAsync("first");
                await context.Response.Body.FlushAsync();
                await secondWrite.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync(" second");
            }));
            await using var _ = app;

            // The response has started and the endpoint waits: the header went out with the first byte.
            var context = await app.StartRequestAsync("/stream");
            Assert.That(context.ServerTiming(), Does.Match(ServerTimingGrammar()).And.Match(OurLayout()));
            secondWrite.SetResult();
            await context.ReadBodyAsync();

            Assert.That(context.Body(), Is.EqualTo("first second"));
            Assert.That(context.ServerTiming(), Does.Match(ServerTimingGrammar()).And.Match(OurLayout()));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Test]
    public async Task Server_timing_of_the_app_is_kept()
    {
        var (app, _) = await ProfilingHost.StartAsync(app => app.MapGet("/own", (HttpContext context) =>
        {
            context.Response.Headers.Append("Server-Timing", "cache;desc=\"hit\"");
            return "own";
        }));
        await using var _ = app;

        var context = await app.SendAsync("/own");

        Assert.That(context.ServerTiming(), Does.StartWith("cache;desc=\"hit\",total;dur=").Or.StartWith("cache;desc=\"hit\", total;dur="));
        Assert.That(context.ServerTiming(), Does.Match(ServerTimingGrammar()));
    }
}

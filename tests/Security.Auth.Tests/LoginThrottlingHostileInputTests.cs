using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// Whatever a client sends to a login endpoint throttled inside SignInManager, the app answers or a clear 4xx comes
/// back, never a 500: malformed JSON, lone surrogates, invalid UTF-8, numbers where strings belong, deep nesting,
/// huge arrays, and arbitrary user names (lone surrogates and control characters included) reaching the counters.
/// </summary>
public sealed class LoginThrottlingHostileInputTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private static IEnumerable<TestCaseData> HostileBodies()
    {
        yield return Case("truncated", "{\"username\": \"alice\"");
        yield return Case("number for a name", "{\"username\": 42, \"password\": \"x\"}");
        yield return Case("object for a name", "{\"username\": {\"a\": 1}}");
        yield return Case("lone surrogate escape", "{\"username\": \"\\ud800\", \"password\": \"x\"}");
        yield return Case("name twice, differing case", "{\"username\": \"alice\", \"USERNAME\": \"bob\"}");
        yield return Case("deep nesting", "{\"x\":" + new string('[', 5000) + new string(']', 5000) + "}");
        yield return Case("huge array", "{\"x\": [" + string.Join(',', Enumerable.Repeat("1", 30_000)) + "]}");
        yield return Case("top-level array", "[\"alice\"]");
        yield return Case("trailing garbage", "{\"username\": \"alice\"} x");
        yield return Case("empty body", "");
        yield return new TestCaseData(new byte[] { (byte)'{', (byte)'"', (byte)'u', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, (byte)'"', (byte)'}' }).SetArgDisplayNames("invalid UTF-8");

        static TestCaseData Case(string name, string json) => new TestCaseData(Encoding.UTF8.GetBytes(json)).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(HostileBodies))]
    public async Task Hostile_JSON_body_gets_a_4xx_never_a_500(byte[] body)
    {
        await using var app = await ThrottlingIdentityApp.StartAsync(_time);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await app.Client.PostAsync("/api/login", content);
        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
    }

    [Test]
    public async Task Any_user_name_in_a_form_or_JSON_gets_the_apps_answer_or_a_4xx()
    {
        await using var app = await ThrottlingIdentityApp.StartAsync(_time, o => o.DelayFunction = static (_, _) => (TimeSpan.Zero, TimeSpan.Zero));
        var property = Prop.ForAll(ArbMap.Default.ArbFor<string>(), name =>
        {
            using var form = app.LoginAsync(name ?? "").GetAwaiter().GetResult();
            using var json = app.Client.PostAsync("/api/login", new StringContent(JsonSerializer.Serialize(new { username = name, password = "x" }), Encoding.UTF8, "application/json"))
                .GetAwaiter().GetResult();
            return (int)form.StatusCode < 500 && (int)json.StatusCode < 500;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), property);
    }
}

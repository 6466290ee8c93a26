using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Security.Abstractions;
using Security.Csp.Internal.Reports;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// Random JSON trees (biased toward both report formats, bad text, odd types and deep nesting),
/// random bytes, both report content types: no exception escapes the parser, and the endpoint
/// answers only with the statuses it documents.
/// </summary>
public sealed class CspReportParserFuzzTests
{
    private static readonly int[] EndpointStatuses = [204, 400, 405, 413, 415, 429];

    private static readonly string[] ContentTypes =
        ["application/csp-report", "application/reports+json", "application/json; charset=utf-8", "text/plain", ""];

    private static readonly string[] Methods = ["POST", "POST", "POST", "GET", "PUT"];

    private static readonly string[] Keys =
    [
        "csp-report", "type", "body", "url", "user_agent", "document-uri", "documentURL", "referrer", "blocked-uri", "blockedURL",
        "violated-directive", "violatedDirective", "effective-directive", "effectiveDirective", "original-policy", "disposition",
        "source-file", "sourceFile", "line-number", "lineNumber", "column-number", "status-code", "statusCode", "script-sample", "sample",
        "", "k\\u0000", "\u00e9",
    ];

    // JSON string literals as they appear in a body, escapes and all.
    private static readonly string[] StringLiterals =
    [
        "\"csp-violation\"", "\"csp-report\"", "\"inline\"", "\"eval\"", "\"data\"", "\"blob:https://a.example/x\"",
        "\"https://a.example/p?token=s#f\"", "\"/reset?token=s\"", "\"//cdn.example/x.js?sig=1\"", "\"script-src-elem 'self'\"",
        "\"\"", "\" \"", "\"41\"", "\"-1\"", "\"99999999999999999999\"", "\"1e5\"", "\"\\ud83d\\ude00\"", "\"\\\\ud800\"",
        "\"\\u0000\\r\\n\\u001b[31m\\u0085\"", "\"\\\"\"", "\"\u00e9\u4e2d\ud83d\ude00\"", "\"\\u2028\"", "\"https://a.example/\\r\\nforged\"",
    ];

    // Escapes that no decoder turns into text (lone or misordered surrogates), spliced into a body.
    private static readonly string[] BadEscapes = ["\\ud800", "\\udc00", "\\ud83d\\u0041", "\\ude00\\ud83d", "\\uDBFF"];

    private static readonly string[] Scalars =
        ["null", "true", "false", "0", "-0", "12", "-7", "1.5", "1e400", "-1e-400", "2147483648", "9223372036854775808", "1E+2"];

    private static readonly byte[][] BadBytes = [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0x80], [0xEF, 0xBB, 0xBF]];

    [Test]
    public void Parser_never_throws_on_random_json_trees()
    {
        Holds(Arb.From(Bodies()), body => ParseDoesNotThrow(body, keepQueryStrings: false), maxTest: 2000);
    }

    [Test]
    public void Parser_never_throws_on_random_bytes()
    {
        var bytes = Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf();
        Holds(Arb.From(bytes), body => ParseDoesNotThrow(body, keepQueryStrings: true), maxTest: 2000);
    }

    [Test]
    public void Parser_takes_at_most_the_per_request_limit_and_counts_the_rest()
    {
        var gen = Gen.Choose(0, 300).SelectMany(count => Gen.Choose(1, 150).Select(max => (count, max)));
        Holds(Arb.From(gen), c =>
        {
            var body = Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("""{"type":"csp-violation","body":{}}""", c.count)) + "]");
            var reports = new List<CspReport>();
            var parsed = CspReportParser.TryParse(body, new CspReportOptions { MaxReportsPerRequest = c.max }, DateTimeOffset.UnixEpoch, null, null, reports, out var dropped);
            return parsed == (c.count > 0) && reports.Count == Math.Min(c.count, c.max) && dropped == Math.Max(0, c.count - c.max);
        }, maxTest: 300);
    }

    [Test]
    public async Task Endpoint_answers_only_documented_statuses_to_random_requests_and_keeps_answering()
    {
        await using var app = await CspReportTestHost.StartAsync(o => o.Reports.RateLimit.PermitLimit = 250);
        var requests =
            from body in Gen.Frequency((4, Bodies()), (1, Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf()))
            from contentType in Gen.Elements(ContentTypes)
            from method in Gen.Elements(Methods)
            from client in Gen.Choose(1, 3)
            select (body, contentType, method, client);

        Holds(Arb.From(requests), r =>
        {
            var status = SendAsync(app, r.method, r.body, r.contentType, IPAddress.Parse($"192.0.2.{r.client}")).GetAwaiter().GetResult();
            return EndpointStatuses.Contains(status);
        }, maxTest: 500);

        Assert.That(
            await SendAsync(app, "POST", Encoding.UTF8.GetBytes(CspReportTestHost.LegacyReport), "application/csp-report", IPAddress.Parse("192.0.2.200")),
            Is.EqualTo(StatusCodes.Status204NoContent));
    }

    private static IEnumerable<TestCaseData> KnownCases()
    {
        TestCaseData Case(string body, int status, string name, string contentType = "application/csp-report") =>
            new TestCaseData(Encoding.UTF8.GetBytes(body), contentType, status).SetName(name);

        yield return Case("""{"csp-report":{"blocked-uri":"\ud800"}}""", 400, "Lone high surrogate escape: 400");
        yield return Case("""{"csp-report":{"blocked-uri":"\udfff"}}""", 400, "Lone low surrogate escape: 400");
        yield return Case("""{"csp-report":{"blocked-uri":"\ud800\u0041"}}""", 400, "High surrogate followed by a letter: 400");
        yield return Case("""{"csp-report":{"\ud800":"x"}}""", 400, "Lone surrogate in a property name: 400");
        yield return Case("""{"csp-report":{"blocked-uri":"\ud83d\ude00"}}""", 204, "A surrogate pair is fine: 204");
        yield return Case("""{"csp-report":{"blocked-uri":"\\ud800"}}""", 204, "An escaped backslash before u is not an escape: 204");
        yield return new TestCaseData((byte[])[.. "{\"csp-report\":{\"blocked-uri\":\""u8, 0xC3, 0x28, .. "\"}}"u8], "application/csp-report", 400)
            .SetName("Invalid UTF-8 in a value: 400");
        yield return new TestCaseData((byte[])[.. "{\"csp-report\":{\"x"u8, 0xFF, .. "\":1}}"u8], "application/csp-report", 400)
            .SetName("Invalid UTF-8 in a property name: 400");
        yield return Case("""[1,"two",null,[3]]""", 400, "Junk array: 400", "application/reports+json");
        yield return Case("""[{"type":1,"body":{}}]""", 400, "Report type not a string: 400", "application/reports+json");
        yield return Case("""[{"type":"csp-violation","body":{"documentURL":1,"lineNumber":"x","blockedURL":[],"sourceFile":{}}}]""", 204,
            "Odd types in a Reporting API body: 204", "application/reports+json");
        yield return Case("""{"csp-report":{"line-number":1e400,"column-number":-1e-400,"status-code":9223372036854775808}}""", 204,
            "Numbers out of range are absent: 204");
        yield return Case("""{"csp-report":{"document-uri":true,"blocked-uri":null,"referrer":false}}""", 204, "Literals where strings belong: 204");
        yield return Case("{\"csp-report\":" + new string('[', 100) + new string(']', 100) + "}", 400, "Nesting deeper than the limit: 400");
        yield return Case("[" + string.Join(",", Enumerable.Repeat("0", 20_000)) + "]", 400, "A huge array without a report: 400", "application/reports+json");
        yield return Case("""{"csp-report":{}}""", 204, "An empty legacy report: 204");
        yield return Case("\uFEFF{\"csp-report\":{}}", 400, "A byte order mark: 400");
        yield return Case("""{"csp-report":{}} {"csp-report":{}}""", 400, "Two documents: 400");
        yield return Case("""{"csp-report":{} /* comment */}""", 400, "A comment: 400");
    }

    [TestCaseSource(nameof(KnownCases))]
    public async Task Known_bodies_get_their_status(byte[] body, string contentType, int status)
    {
        await using var app = await CspReportTestHost.StartAsync();

        Assert.That(await SendAsync(app, "POST", body, contentType, IPAddress.Loopback), Is.EqualTo(status));
        Assert.That(ParseDoesNotThrow(body, keepQueryStrings: false), Is.True);
    }

    [TestCase("https://a.example/p?q=1#f", "https://a.example/p")]
    [TestCase("HTTPS://A.example:8443/p#f", "HTTPS://A.example:8443/p")]
    [TestCase("wss://a.example/socket?token=1", "wss://a.example/socket")]
    [TestCase("chrome-extension://abc/page.html?x", "chrome-extension://abc/page.html")]
    [TestCase("/reset?token=1", "/reset")]
    [TestCase("//cdn.example/x.js?sig=1", "//cdn.example/x.js")]
    [TestCase("https://a.example", "https://a.example")]
    [TestCase("inline", "inline")]
    [TestCase("eval", "eval")]
    [TestCase("data", "data")]
    [TestCase("data:text/html,<p>?#", "data:text/html,<p>?#")]
    [TestCase("blob:https://a.example/uuid#x", "blob:https://a.example/uuid#x")]
    [TestCase("javascript:alert(1)?x", "javascript:alert(1)?x")]
    [TestCase("1ttp://a.example/?x", "1ttp://a.example/?x")]
    [TestCase("a b://x/?y", "a b://x/?y")]
    public void Urls_with_an_authority_and_paths_lose_query_and_fragment(string value, string expected)
    {
        Assert.That(CspReportParser.WithoutQueryAndFragment(value), Is.EqualTo(expected));
    }

    private static bool ParseDoesNotThrow(byte[] body, bool keepQueryStrings)
    {
        var reports = new List<CspReport>();
        var options = new CspReportOptions { KeepQueryStrings = keepQueryStrings, MaxReportsPerRequest = 5 };
        var parsed = CspReportParser.TryParse(body, options, DateTimeOffset.UnixEpoch, "192.0.2.1", "UA", reports, out var dropped);
        return (parsed || reports.Count == 0) && reports.Count <= 5 && dropped >= 0 &&
               (keepQueryStrings || reports.All(r => r.DocumentUri?.StartsWith("https://a.example/p?", StringComparison.Ordinal) != true));
    }

    private static void Holds<T>(Arbitrary<T> arbitrary, Func<T, bool> property, int maxTest) =>
        Prop.ForAll(arbitrary, property).Check(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true));

    /// <summary>
    /// UTF-8 bodies: mostly one of the two report shapes around a random tree, sometimes a bare tree or
    /// deep nesting; one in four has a bad escape or a bad byte spliced in somewhere.
    /// </summary>
    private static Gen<byte[]> Bodies()
    {
        var tree = Gen.Sized(size => Value(Math.Min(size, 24)));
        var deep = Gen.Choose(1, 80).Select(depth => "{\"csp-report\":{\"x\":" + new string('[', depth) + new string(']', depth) + "}}");
        var shaped = Gen.Frequency(
            (3, tree.Select(t => "{\"csp-report\":" + t + "}")),
            (3, Gen.Frequency((9, Gen.Choose(1, 8)), (1, Gen.Choose(0, 200))).SelectMany(count => tree.ArrayOf(count)).Select(ts => "[" + string.Join(",", ts.Select(t => "{\"type\":\"csp-violation\",\"body\":" + t + "}")) + "]")),
            (1, tree),
            (1, deep));
        return shaped.SelectMany(text => Gen.Frequency(
            (6, Gen.Constant(Encoding.UTF8.GetBytes(text))),
            (1, Gen.Elements(BadEscapes).SelectMany(bad => Gen.Choose(0, text.Length).Select(at => Encoding.UTF8.GetBytes(text.Insert(at, bad))))),
            (1, Gen.Elements(BadBytes).SelectMany(bad => Gen.Choose(0, text.Length).Select(at =>
                (byte[])[.. Encoding.UTF8.GetBytes(text[..at]), .. bad, .. Encoding.UTF8.GetBytes(text[at..])])))));
    }

    private static Gen<string> Value(int size)
    {
        var leaf = Gen.Frequency((1, Gen.Elements(Scalars)), (2, Gen.Elements(StringLiterals)));
        if (size <= 1)
        {
            return leaf;
        }

        var child = Value(size / 2);
        var member = Gen.Elements(Keys).SelectMany(key => child.Select(value => "\"" + key + "\":" + value));
        var obj = Gen.Choose(0, 8).SelectMany(count => member.ListOf(count)).Select(members => "{" + string.Join(",", members) + "}");
        var array = Gen.Choose(0, 6).SelectMany(count => child.ListOf(count)).Select(items => "[" + string.Join(",", items) + "]");
        return Gen.Frequency((3, leaf), (2, obj), (1, array));
    }

    private static async Task<int> SendAsync(TestApp app, string method, byte[] body, string contentType, IPAddress client)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = method;
            c.Request.Path = "/csp-report";
            if (contentType.Length > 0)
            {
                c.Request.ContentType = contentType;
            }

            c.Request.ContentLength = body.Length;
            c.Request.Body = new MemoryStream(body);
            c.Connection.RemoteIpAddress = client;
        });
        return context.Response.StatusCode;
    }
}

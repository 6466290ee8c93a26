using System.Globalization;
using System.Text.Json;
using Security.Abstractions;
using Security.Csp.Internal.Dashboard;
using Security.Csp.Internal.Policy;
using static Security.Csp.Tests.DashboardTestHost;

namespace Security.Csp.Tests;

/// <summary>
/// What the dashboard tells the owner to allow, for report shapes as Chromium and Firefox send them (the effective
/// directive, the blocked URI as the browser writes it, the page), against the app's policy.
/// </summary>
public sealed class CspAllowAdvisorTests
{
    private const string Policy =
        "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' https://img.example; " +
        "connect-src 'self'; object-src 'none'; frame-ancestors 'none'";

    private const string StrictDynamic = "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic'; object-src 'none'";

    private const string DefaultOnly = "default-src 'self'";

    private const string Page = "https://app.example/shop/cart";

    private static readonly object[] Shapes =
    [
        // Chromium: an inline <script> without the nonce.
        Case(Policy, "script-src-elem", "inline", null, CspAllowAdvisor.InlineScriptAdvice),
        // Firefox: the same (Firefox also names script-src-elem as the effective directive).
        Case(Policy, "script-src-elem", "inline", null, CspAllowAdvisor.InlineScriptAdvice),
        // Chromium: onclick="..." attribute.
        Case(Policy, "script-src-attr", "inline", null, CspAllowAdvisor.ScriptAttributeAdvice),
        // Chromium: an inline <style>.
        Case(Policy, "style-src-elem", "inline", null, CspAllowAdvisor.InlineStyleAdvice),
        // Firefox: style="..." attribute.
        Case(Policy, "style-src-attr", "inline", null, CspAllowAdvisor.StyleAttributeAdvice),
        // Chromium: eval().
        Case(Policy, "script-src", "eval", null, CspAllowAdvisor.EvalAdvice),
        // Older Firefox: no effective directive, only the violated one with its sources.
        Case(Policy, "script-src 'self' 'nonce-abc'", "eval", null, CspAllowAdvisor.EvalAdvice),
        // Chromium: WebAssembly.compile.
        Case(Policy, "script-src", "wasm-eval", null, CspAllowAdvisor.WasmAdvice),
        // Chromium: <img src="data:...">, blocked URI "data": a scheme is advice, never an allow.
        Case(Policy, "img-src", "data", null, Scheme("data", "img-src")),
        // Firefox: the whole data URL.
        Case(Policy, "img-src", "data:image/svg+xml;base64,PHN2Zz4=", null, Scheme("data", "img-src")),
        // Chromium: a data: image under a policy with default-src alone: the advice names img-src, not default-src (scripts).
        Case(DefaultOnly, "img-src", "data", null, Scheme("data", "img-src")),
        // Chromium: a script from a blob: URL.
        Case(Policy, "script-src-elem", "blob", null, CspAllowAdvisor.SchemeScriptAdvice),
        // Chromium: a blob: media source, governed by default-src next to an explicit script-src.
        Case(Policy, "media-src", "blob", null, Scheme("blob", "media-src")),
        // Chromium: a CDN script: script-src is never widened from reports, so advice.
        Case(Policy, "script-src-elem", "https://cdn.example.com/lib/jquery.min.js", null,
            string.Format(CultureInfo.InvariantCulture, CspAllowAdvisor.ScriptHostAdvice, "https://cdn.example.com", "script-src")),
        // The same under 'strict-dynamic', which ignores host sources.
        Case(StrictDynamic, "script-src-elem", "https://cdn.example.com/lib/jquery.min.js", null, CspAllowAdvisor.StrictDynamicAdvice),
        // Chromium: a same-origin image under a policy whose img-src lacks 'self'.
        Case("img-src https://img.example", "img-src", "https://app.example/img/logo.png", "img-src 'self'", null),
        // Chromium: a WebSocket to the page's own host: 'self' covers wss: there.
        Case(Policy, "connect-src", "wss://app.example/hub", "connect-src 'self'", null),
        // Chromium: a WebSocket elsewhere, on a port: scheme, host and port are kept.
        Case(Policy, "connect-src", "wss://socket.example.com:8443/live", "connect-src wss://socket.example.com:8443", null),
        // Firefox: a web font; the policy has no font-src: font-src is added with default-src's sources, default-src (scripts too) stays.
        Case(Policy, "font-src", "https://fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2", "font-src 'self' https://fonts.gstatic.com", null),
        // Chromium: a stylesheet from Google Fonts.
        Case(Policy, "style-src-elem", "https://fonts.googleapis.com/css2", "style-src https://fonts.googleapis.com", null),
        // Chromium: an embedded video; no frame-src or child-src: frame-src is added; the host serves JSONP, which is flagged.
        Case(Policy, "frame-src", "https://www.youtube.com/embed/dQw4w9WgXcQ", "frame-src 'self' https://www.youtube.com",
            string.Format(CultureInfo.InvariantCulture, CspAllowAdvisor.GadgetNote, "www.youtube.com").TrimStart()),
        // A directive name with an injected directive after it names no directive at all.
        Case(Policy, "img-src;script-src\t'unsafe-inline'", "https://evil.example/x.js", null, CspAllowAdvisor.UnknownDirectiveAdvice),
        // An IP address is never suggested.
        Case(Policy, "img-src", "https://192.0.2.1/a.png", null, CspAllowAdvisor.IpAddressAdvice),
        // frame-ancestors guards against clickjacking: advice only.
        Case(Policy, "frame-ancestors", "https://attacker.example/", null,
            string.Format(CultureInfo.InvariantCulture, CspAllowAdvisor.GuardAdvice, "frame-ancestors", "https://attacker.example")),
        // Chromium: a fetch to another port of localhost during development.
        Case(Policy, "connect-src", "http://localhost:5001/api/orders", "connect-src http://localhost:5001", null),
        // Chromium: an extension's content script, blocked URI "chrome-extension".
        Case(Policy, "script-src-elem", "chrome-extension", null, CspAllowAdvisor.ExtensionAdvice),
        // Firefox: an extension's script with its whole URL.
        Case(Policy, "script-src-elem", "moz-extension://4c7b/content.js", null, CspAllowAdvisor.ExtensionAdvice),
        // Chromium: a plugin.
        Case(Policy, "object-src", "https://app.example/movie.swf", null, CspAllowAdvisor.ObjectAdvice),
        // Chromium: an image served from the page's host over http while the page is https is not the same origin.
        Case(Policy, "img-src", "http://app.example/old.png", "img-src http://app.example", null),
        // Chromium: Trusted Types.
        Case(Policy, "require-trusted-types-for", "trusted-types-sink", null, CspAllowAdvisor.TrustedTypesAdvice),
        // A report that says nothing usable.
        Case(Policy, "img-src", "", null, CspAllowAdvisor.UnknownAdvice),
    ];

    [TestCaseSource(nameof(Shapes))]
    public void Allow_or_advice_for_a_real_report_shape(string policy, string directive, string blocked, string? allow, string? advice)
    {
        var result = new CspAllowAdvisor(policy, CspModes.Enforce).Advise(directive, blocked, Page);

        Assert.That(result, Is.EqualTo(new CspAllowAdvice(allow, advice)));
    }

    [Test]
    public void Suggested_policy_merges_every_safe_allow_into_the_right_directives_and_passes_the_raw_policy_validator()
    {
        var advisor = new CspAllowAdvisor(Policy.Replace(" 'nonce-{nonce}'", "", StringComparison.Ordinal), CspModes.Enforce);

        var suggested = advisor.Suggest(Groups(), minClients: 3)!.ToString();

        Assert.That(suggested, Is.EqualTo(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https://img.example; " +
            "connect-src 'self' wss://socket.example.com:8443; object-src 'none'; frame-ancestors 'none'; font-src 'self' https://fonts.gstatic.com"));
        var errors = new OptionsValidationErrors();
        var compiled = CspPolicyCompiler.Compile(new SecurityCspOptions { PolicyString = suggested }, new SecurityCspOptions(), "Security:Csp", errors, []);
        Assert.That(errors.Failures, Is.Empty);
        Assert.That(compiled!.WithoutReports.Enforce!.ToString(), Is.EqualTo(suggested));
    }

    [Test]
    public void Suggested_directives_with_a_nonce_pass_the_dictionary_validator_and_render_the_same_policy()
    {
        var advisor = new CspAllowAdvisor(Policy, CspModes.Enforce);

        var suggested = advisor.Suggest(Groups(), minClients: 3)!;
        var options = new SecurityCspOptions { Policy = new(suggested.ToDirectives(), StringComparer.OrdinalIgnoreCase) };
        options.Nonce.Enabled = true;
        options.Nonce.Directives = ["script-src"];

        var errors = new OptionsValidationErrors();
        var compiled = CspPolicyCompiler.Compile(options, new SecurityCspOptions(), "Security:Csp", errors, []);
        Assert.That(errors.Failures, Is.Empty);
        Assert.That(compiled!.WithoutReports.Enforce!.ToString(), Is.EqualTo(suggested.ToString()));
        Assert.That(suggested.ToString(), Does.Contain("script-src 'self' 'nonce-{nonce}';"), "script-src is never widened");
        Assert.That(suggested.ToString(), Does.Contain("font-src 'self' https://fonts.gstatic.com"));
    }

    [Test]
    public void Report_only_violations_are_not_merged_into_the_enforced_policy()
    {
        var advisor = new CspAllowAdvisor(DefaultOnly, CspModes.Enforce);
        var report = new CspReportGroup("img-src", "https://img.example/a.png", Page, 1, Now, Now) { Disposition = "report", DistinctSenders = 3 };

        Assert.That(advisor.Suggest([report], minClients: 1)!.ToString(), Is.EqualTo(DefaultOnly));
        Assert.That(advisor.Advise(report).Allow, Is.EqualTo("img-src 'self' https://img.example"));
    }

    [Test]
    public async Task Dashboard_json_carries_allow_advice_and_a_suggested_policy_the_validator_accepts()
    {
        var store = await StoreAsync(
            Report(Now.AddMinutes(-5)),
            Report(Now.AddMinutes(-4), "img-src", "https://cdn.example.com/logo.png") with { SenderIp = "203.0.113.1" },
            Report(Now.AddMinutes(-3), "connect-src", "wss://socket.example.com:8443/live") with { SenderIp = "203.0.113.1" });
        await using var app = await StartAsync(store, o =>
        {
            o.UsePolicy(p =>
            {
                p.DefaultSrc().Self();
                p.ImgSrc().Self();
            });
            o.Reports.SuggestionMinClients = 1;
        });

        using var json = JsonDocument.Parse(await app.Client.GetStringAsync(DashboardPath + "/json"));
        var groups = json.RootElement.GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("blockedUri").GetString()!, g => (Allow: g.GetProperty("allow").GetString(), Advice: g.GetProperty("advice").GetString()));
        var suggested = json.RootElement.GetProperty("suggestedPolicy").GetString()!;

        Assert.That(groups["inline"], Is.EqualTo(((string?)null, (string?)CspAllowAdvisor.InlineScriptAdvice)));
        Assert.That(groups["https://cdn.example.com/logo.png"], Is.EqualTo(("img-src https://cdn.example.com", (string?)null)));
        Assert.That(groups["wss://socket.example.com:8443/live"], Is.EqualTo(("connect-src 'self' wss://socket.example.com:8443", (string?)null)));
        Assert.That(suggested, Is.EqualTo("default-src 'self'; img-src 'self' https://cdn.example.com; connect-src 'self' wss://socket.example.com:8443"));
        var errors = new OptionsValidationErrors();
        CspPolicyCompiler.Compile(new SecurityCspOptions { PolicyString = suggested }, new SecurityCspOptions(), "Security:Csp", errors, []);
        Assert.That(errors.Failures, Is.Empty);
        Assert.That(
            json.RootElement.GetProperty("suggestedPolicyDirectives").GetProperty("img-src").EnumerateArray().Select(s => s.GetString()),
            Is.EqualTo(new[] { "'self'", "https://cdn.example.com" }));
    }

    [Test]
    public async Task Dashboard_page_shows_each_allow_and_the_suggested_policy_in_a_read_only_text_area()
    {
        var store = await StoreAsync(Report(Now.AddMinutes(-4), "img-src", "https://cdn.example.com/logo.png") with { SenderIp = "203.0.113.1" });
        await using var app = await StartAsync(store, o =>
        {
            o.UsePolicy(p => p.DefaultSrc().Self());
            o.Reports.SuggestionMinClients = 1;
        });

        var page = await app.GetPageAsync();

        Assert.That(page, Does.Contain("<code class=\"allow\">img-src &#x27;self&#x27; https://cdn.example.com</code>"));
        Assert.That(page, Does.Contain("<textarea id=\"suggested-policy\" readonly rows=\"4\">default-src &#x27;self&#x27;; img-src &#x27;self&#x27; https://cdn.example.com</textarea>"));
    }

    private static CspReportGroup[] Groups() =>
    [
        Group("script-src-elem", "inline"),
        Group("script-src", "eval"),
        Group("script-src-elem", "https://cdn.example.com/lib.js"),
        Group("img-src", "data"),
        Group("connect-src", "wss://socket.example.com:8443/live"),
        Group("connect-src", "wss://app.example/hub"),
        Group("font-src", "https://fonts.gstatic.com/s/a.woff2"),
        Group("script-src-elem", "chrome-extension"),
        Group("img-src", "https://img.example/a.png"),
    ];

    private static CspReportGroup Group(string directive, string blocked) =>
        new(directive, blocked, Page, 1, Now, Now) { Disposition = "enforce", DistinctSenders = 3 };

    private static string Scheme(string scheme, string directive) => string.Format(CultureInfo.InvariantCulture, CspAllowAdvisor.SchemeAdvice, scheme, directive);

    private static object[] Case(string policy, string directive, string blocked, string? allow, string? advice) =>
        [policy, directive, blocked, allow!, advice!];
}

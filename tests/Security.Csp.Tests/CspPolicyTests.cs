using Microsoft.AspNetCore.Builder;

namespace Security.Csp.Tests;

public sealed class CspPolicyTests
{
    // The headers django-security writes for these settings: a ported configuration must give the same header.
    private static readonly object[] Vectors =
    [
        new object[] { """{"default-src": ["none"], "script-src": ["none"]}""", "default-src 'none'; script-src 'none'" },
        new object[] { """{"script-src": ["self", "www.google-analytics.com", "ajax.googleapis.com"]}""", "script-src 'self' www.google-analytics.com ajax.googleapis.com" },
        new object[] { """{"default-src": ["self"]}""", "default-src 'self'" },
        new object[] { """{"frame-src": ["*"]}""", "frame-src *" },
    ];

    [TestCaseSource(nameof(Vectors))]
    public async Task Policy_bound_from_appsettings_produces_the_exact_header(string policyJson, string expected)
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """{"Security": {"Csp": {"Policy": """ + policyJson + "}}}");

        Assert.That(await app.GetCspAsync(), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Vectors))]
    public async Task Policy_given_as_a_dictionary_in_code_produces_the_exact_header(string policyJson, string expected)
    {
        var policy = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string[]>>(policyJson)!;
        await using var app = await CspTestHost.StartWithPageAsync(o => o.Policy = policy);

        Assert.That(await app.GetCspAsync(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Fluent_builder_produces_the_same_headers_as_the_configuration_vectors()
    {
        var cases = new (Action<CspPolicyBuilder> Build, string Expected)[]
        {
            (p => { p.DefaultSrc().None(); p.ScriptSrc().None(); }, "default-src 'none'; script-src 'none'"),
            (p => p.ScriptSrc().Self().From("www.google-analytics.com", "ajax.googleapis.com"), "script-src 'self' www.google-analytics.com ajax.googleapis.com"),
            (p => p.DefaultSrc().Self(), "default-src 'self'"),
            (p => p.FrameSrc().All(), "frame-src *"),
        };

        foreach (var (build, expected) in cases)
        {
            await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(build));
            Assert.That(await app.GetCspAsync(), Is.EqualTo(expected));
        }
    }

    [Test]
    public async Task Directives_are_written_in_the_order_given_in_code()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p =>
        {
            p.ScriptSrc().Self();
            p.DefaultSrc().None();
            p.ImgSrc().Self().Data();
        }));

        Assert.That(await app.GetCspAsync(), Is.EqualTo("script-src 'self'; default-src 'none'; img-src 'self' data:"));
    }

    [Test]
    public async Task Modern_directives_and_keywords_are_written_with_quotes_where_the_spec_needs_them()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p =>
        {
            p.DefaultSrc().Self();
            p.ScriptSrc().StrictDynamic().UnsafeHashes().ReportSample().WasmUnsafeEval().Sha256("abc+/=").From("https:");
            p.BaseUri().None();
            p.FormAction().Self();
            p.FrameAncestors().None();
            p.WorkerSrc().Blob();
            p.ManifestSrc().Self();
            p.ScriptSrcElem().Self();
            p.StyleSrcAttr().UnsafeInline();
            p.Sandbox("allow-scripts", "allow-forms");
            p.UpgradeInsecureRequests();
        }));

        Assert.That(await app.GetCspAsync(), Is.EqualTo(
            "default-src 'self'; script-src 'strict-dynamic' 'unsafe-hashes' 'report-sample' 'wasm-unsafe-eval' 'sha256-abc+/=' https:; " +
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; worker-src blob:; manifest-src 'self'; " +
            "script-src-elem 'self'; style-src-attr 'unsafe-inline'; sandbox allow-scripts allow-forms; upgrade-insecure-requests"));
    }

    [Test]
    public async Task Already_quoted_keywords_and_hashes_are_kept_as_given()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.Policy = new()
        {
            ["script-src"] = ["'self'", "'sha384-AbC='", "'nonce-static1'"],
        });

        Assert.That(await app.GetCspAsync(), Is.EqualTo("script-src 'self' 'sha384-AbC=' 'nonce-static1'"));
    }

    [Test]
    public async Task Empty_sandbox_token_gives_a_bare_sandbox()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """{"Security": {"Csp": {"Policy": {"sandbox": [""]}}}}""");

        Assert.That(await app.GetCspAsync(), Is.EqualTo("sandbox"));
    }

    [Test]
    public async Task Value_less_directive_bound_as_an_empty_array_is_kept()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """{"Security": {"Csp": {"Policy": {"default-src": ["self"], "upgrade-insecure-requests": []}}}}""");

        Assert.That(await app.GetCspAsync(), Is.EqualTo("default-src 'self'; upgrade-insecure-requests"));
    }

    [Test]
    public async Task Raw_policy_string_is_used_verbatim()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.PolicyString = "default-src 'self' https://x.example; img-src *");

        Assert.That(await app.GetCspAsync(), Is.EqualTo("default-src 'self' https://x.example; img-src *"));
    }

    [Test]
    public async Task Raw_policy_string_with_its_own_report_uri_does_not_get_a_second_one()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.PolicyString = "default-src 'self'; report-uri /own-reports";
            o.ReportUri = "/csp-report";
        });

        Assert.That(await app.GetCspAsync(), Is.EqualTo("default-src 'self'; report-uri /own-reports"));
    }

    [Test]
    public async Task Raw_policy_string_without_report_uri_gets_the_configured_one()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.PolicyString = "default-src 'self'";
            o.ReportUri = "/csp-report";
        });

        Assert.That(await app.GetCspAsync(), Is.EqualTo("default-src 'self'; report-uri /csp-report"));
    }

    [Test]
    public async Task Code_configuration_wins_over_appsettings()
    {
        await using var app = await CspTestHost.StartWithPageAsync(
            o => o.UsePolicy(p => p.DefaultSrc().None()),
            """{"Security": {"Csp": {"PolicyString": "default-src *", "Mode": "report-only"}}}""");

        using var response = await app.Client.GetAsync("/");
        Assert.That(response.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo("default-src 'none'"));
    }

    [Test]
    public async Task Enforce_mode_sends_only_the_enforcing_header()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p => p.DefaultSrc().Self()));

        using var response = await app.Client.GetAsync("/");
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
        Assert.That(response.Headers.Contains("Content-Security-Policy-Report-Only"), Is.False);
        Assert.That(response.Headers.Contains("X-Content-Security-Policy"), Is.False);
    }

    [Test]
    public async Task Report_only_mode_sends_only_the_report_only_header()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.Mode = "Report-Only";
            o.UsePolicy(p => p.DefaultSrc().Self());
        });

        using var response = await app.Client.GetAsync("/");
        Assert.That(response.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo("default-src 'self'"));
        Assert.That(response.Headers.Contains("Content-Security-Policy"), Is.False);
    }

    [Test]
    public async Task Enforce_and_report_only_without_a_separate_policy_sends_the_enforced_policy_twice()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.Mode = CspModes.EnforceAndReportOnly;
            o.UsePolicy(p => p.DefaultSrc().Self());
        });

        using var response = await app.Client.GetAsync("/");
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
        Assert.That(response.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo("default-src 'self'"));
    }

    [Test]
    public async Task Enforce_and_report_only_with_a_separate_policy_sends_each_in_its_header()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """
            {"Security": {"Csp": {"Mode": "enforce-and-report-only",
              "Policy": {"default-src": ["self"]},
              "ReportOnlyPolicyString": "default-src 'none'"}}}
            """);

        using var response = await app.Client.GetAsync("/");
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo("default-src 'self'"));
        Assert.That(response.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo("default-src 'none'"));
    }

    [Test]
    public async Task Report_only_mode_may_be_given_only_a_report_only_policy()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.Mode = CspModes.ReportOnly;
            o.UseReportOnlyPolicy(p => p.ScriptSrc().Self());
        });

        Assert.That(await app.GetCspAsync(header: "Content-Security-Policy-Report-Only"), Is.EqualTo("script-src 'self'"));
    }

    [Test]
    public async Task Obsolete_directives_are_accepted_with_a_startup_warning()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """
            {"Security": {"Csp": {"Policy": {"default-src": ["self"], "referrer": ["origin"], "reflected-xss": ["block"],
              "block-all-mixed-content": [""], "plugin-types": ["application/pdf"], "prefetch-src": ["self"]}}}}
            """);

        var header = await app.GetCspAsync();
        var warnings = app.Services.GetFakeLogCollector().GetSnapshot()
            .Where(r => r.Id.Id == 3001 && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Select(r => r.Message).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(header, Is.EqualTo("block-all-mixed-content; default-src 'self'; plugin-types application/pdf; prefetch-src 'self'; referrer origin; reflected-xss block"));
            foreach (var directive in new[] { "referrer", "reflected-xss", "block-all-mixed-content", "plugin-types", "prefetch-src" })
            {
                Assert.That(warnings, Has.Some.Contains($"'{directive}' is obsolete"), directive);
            }
        });
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Security.Csp.Internal.Policy;
using static Security.Csp.Tests.DashboardTestHost;

namespace Security.Csp.Tests;

/// <summary>
/// The linter flags each weakness Google's CSP Evaluator reports, on a table of policies; stays quiet on the sample's
/// policy; logs each high finding once at startup naming policy and directive; and the dashboard lists the findings.
/// </summary>
public sealed class CspPolicyLinterTests
{
    // A policy with none of the weaknesses, to which each case adds one.
    private const string Strict = "default-src 'self'; script-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'self'";

    private static readonly object[] Weaknesses =
    [
        Case("img-src 'self'", "missing-script-src", "script-src", CspFindingSeverity.High),
        Case("default-src 'self'; script-src 'self'; base-uri 'self'", "object-src-not-none", "object-src", CspFindingSeverity.Medium),
        Case("script-src 'self'; base-uri 'self'", "missing-object-src", "object-src", CspFindingSeverity.High),
        Case("default-src 'self'; script-src 'self' 'nonce-{nonce}'; object-src 'none'", "missing-base-uri", "base-uri", CspFindingSeverity.High),
        Case("default-src 'self'; script-src 'self'; object-src 'none'", "missing-base-uri", "base-uri", CspFindingSeverity.Medium),
        Case("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'", "unsafe-inline", "script-src", CspFindingSeverity.High),
        Case("default-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'", "unsafe-inline", "default-src", CspFindingSeverity.High),
        Case(Strict.Replace("'self' 'nonce", "'self' 'unsafe-eval' 'nonce", StringComparison.Ordinal), "unsafe-eval", "script-src", CspFindingSeverity.Medium),
        Case(Strict.Replace("'self' 'nonce", "* 'nonce", StringComparison.Ordinal), "wildcard", "script-src", CspFindingSeverity.High),
        Case(Strict.Replace("'self' 'nonce", "https: 'nonce", StringComparison.Ordinal), "wildcard", "script-src", CspFindingSeverity.High),
        Case(Strict.Replace("'self' 'nonce", "data: 'nonce", StringComparison.Ordinal), "wildcard", "script-src", CspFindingSeverity.High),
        Case(Strict + "; img-src http://img.example", "http-source", "img-src", CspFindingSeverity.Medium),
        Case(Strict + "; connect-src https://192.0.2.1:8443", "ip-source", "connect-src", CspFindingSeverity.Low),
        Case(Strict.Replace("'self' 'nonce", "'self' https://cdn.jsdelivr.net/npm/ 'nonce", StringComparison.Ordinal), "gadget-host", "script-src", CspFindingSeverity.High),
        Case(Strict.Replace("'self' 'nonce", "'self' ajax.googleapis.com 'nonce", StringComparison.Ordinal), "gadget-host", "script-src", CspFindingSeverity.High),
        Case(Strict.Replace("'nonce-{nonce}'", "'nonce-abc'", StringComparison.Ordinal), "short-nonce", "script-src", CspFindingSeverity.Medium),
        Case(Strict + "; block-all-mixed-content", "deprecated", "block-all-mixed-content", CspFindingSeverity.Low),
        Case(Strict + "; reflected-xss block", "deprecated", "reflected-xss", CspFindingSeverity.Low),
    ];

    [TestCaseSource(nameof(Weaknesses))]
    public void Each_weakness_is_flagged(string policy, string kind, string directive, string severity)
    {
        var findings = CspPolicyLinter.Lint("default", CspModes.Enforce, policy);

        Assert.That(findings.Where(f => f.Kind == kind).Select(f => (f.Directive, f.Severity.ToString(), f.Policy)), Is.EqualTo(new[] { (directive, severity, "default") }));
    }

    [TestCase(Strict)]
    [TestCase("default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' 'unsafe-inline' https:; object-src 'none'; base-uri 'none'")]
    [TestCase("default-src 'self'; script-src 'self' 'sha256-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG='; object-src 'none'; base-uri 'self'")]
    public void A_strict_policy_has_no_high_finding(string policy)
    {
        Assert.That(CspPolicyLinter.Lint("default", CspModes.Enforce, policy).Where(f => f.Severity == CspFindingSeverity.High), Is.Empty);
    }

    [Test]
    public async Task The_sample_apps_policy_has_no_finding_and_logs_no_warning()
    {
        var settings = File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", "Security.Sample", "appsettings.json"));
        await using var app = await CspTestHost.StartAsync(s => s.AddSecurityCsp(), a => a.UseContentSecurityPolicy(), settings);

        Assert.That(app.Services.GetRequiredService<CspPolicyProvider>().Findings, Is.Empty);
        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task Each_high_finding_of_every_policy_logs_one_startup_warning_naming_policy_and_directive()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.PolicyString = Strict;
            o.Policies["legacy"] = new CspPolicyOptions
            {
                Mode = CspModes.EnforceAndReportOnly,
                PolicyString = Strict,
                ReportOnlyPolicyString = "default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'",
            };
        });

        var warnings = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 3002).ToList();

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0].Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warnings[0].Message, Does.Contain("'legacy' (report)").And.Contain("directive script-src").And.Contain("unsafe-inline"));
    }

    [Test]
    public async Task The_dashboard_lists_the_findings_of_the_active_policies()
    {
        await using var app = await StartAsync(await StoreAsync(), o =>
        {
            o.PolicyString = "default-src 'self'; script-src 'self' 'unsafe-inline'";
            o.Policies["admin"] = new CspPolicyOptions { PolicyString = Strict + "; img-src http://img.example" };
        });

        using var json = JsonDocument.Parse(await app.Client.GetStringAsync(DashboardPath + "/json"));
        var page = await app.GetPageAsync();

        var findings = json.RootElement.GetProperty("policyFindings").EnumerateArray()
            .Select(f => (f.GetProperty("policy").GetString(), f.GetProperty("directive").GetString(), f.GetProperty("severity").GetString(), f.GetProperty("kind").GetString()))
            .ToList();
        Assert.That(findings, Does.Contain(("default", "script-src", "high", "unsafe-inline")));
        Assert.That(findings, Does.Contain(("admin", "img-src", "medium", "http-source")));
        Assert.That(page, Does.Contain("<ul id=\"policy-findings\">").And.Contain("high: policy default (enforce), <code>script-src</code>"));
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Security.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Security.sln not found above the test directory.");
    }

    private static object[] Case(string policy, string kind, string directive, CspFindingSeverity severity) => [policy, kind, directive, severity.ToString()];
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Csp.Tests;

public sealed class CspOptionsValidationTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Action<SecurityCspOptions>? configure = null, string? json = null)
    {
        OptionsValidationException? caught = null;
        try
        {
            await using var app = await CspTestHost.StartWithPageAsync(configure, json);
        }
        catch (OptionsValidationException ex)
        {
            caught = ex;
        }

        Assert.That(caught, Is.Not.Null, "the app started although the options are invalid");
        return caught!;
    }

    private static string Settings(string csp) => """{"Security": {"Csp": """ + csp + "}}";

    [TestCase("""{"Mode": "block", "Policy": {"default-src": ["self"]}}""", "Security:Csp:Mode", "'block'", "enforce, report-only, enforce-and-report-only")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "PolicyString": "default-src 'self'"}""", "Security:Csp:Policy", "both Policy and PolicyString", "")]
    [TestCase("""{"ReportOnlyPolicy": {"default-src": ["self"]}, "ReportOnlyPolicyString": "x", "Policy": {"img-src": ["self"]}}""", "Security:Csp:ReportOnlyPolicy", "both ReportOnlyPolicy and ReportOnlyPolicyString", "")]
    [TestCase("""{"Mode": "enforce"}""", "Security:Csp:Policy", "mode 'enforce' needs a policy", "")]
    [TestCase("""{"Mode": "report-only"}""", "Security:Csp:Policy", "mode 'report-only' needs a policy", "")]
    [TestCase("""{"Policy": {"script-src": "self"}}""", "Security:Csp:Policy:script-src", "'self' must be a list", "[ \"self\" ]")]
    [TestCase("""{"Policy": {"default-src": ["self"], "script-src": []}}""", "Security:Csp:Policy:script-src", "needs a list of at least one source", "[\"none\"]")]
    [TestCase("""{"Policy": "default-src 'self'"}""", "Security:Csp:Policy", "is a single string", "PolicyString")]
    [TestCase("""{"Policy": {"script-sources": ["self"]}}""", "Security:Csp:Policy:script-sources", "'script-sources' is not a known directive", "default-src")]
    [TestCase("""{"Policy": {"sandbox": ["allow-everything"]}}""", "Security:Csp:Policy:sandbox[0]", "'allow-everything' is not a sandbox token", "allow-scripts")]
    [TestCase("""{"Policy": {"report-uri": ["/a", "/b"]}}""", "Security:Csp:Policy:report-uri", "takes exactly one URI", "")]
    [TestCase("""{"Policy": {"referrer": ["everywhere"]}}""", "Security:Csp:Policy:referrer", "'everywhere'", "none, none-when-downgrade, origin, origin-when-cross-origin, unsafe-url")]
    [TestCase("""{"Policy": {"reflected-xss": ["maybe"]}}""", "Security:Csp:Policy:reflected-xss", "'maybe'", "allow, block, filter")]
    [TestCase("""{"Policy": {"script-src": ["self; img-src *"]}}""", "Security:Csp:Policy:script-src[0]", "contains ';'", "header injection")]
    [TestCase("""{"Policy": {"script-src": ["a.example, b.example"]}}""", "Security:Csp:Policy:script-src[0]", "contains ','", "header injection")]
    [TestCase("""{"Policy": {"script-src": ["a.example\r\nSet-Cookie: x=1"]}}""", "Security:Csp:Policy:script-src[0]", "contains CR", "header injection")]
    [TestCase("""{"Policy": {"script-src": ["a.example\nX: 1"]}}""", "Security:Csp:Policy:script-src[0]", "contains LF", "header injection")]
    [TestCase("""{"Policy": {"script-src": ["'self"]}}""", "Security:Csp:Policy:script-src[0]", "'self", "quotes")]
    [TestCase("""{"Policy": {"script-src": ["'evil'"]}}""", "Security:Csp:Policy:script-src[0]", "''evil''", "keywords are")]
    [TestCase("""{"Policy": {"upgrade-insecure-requests": ["yes"]}}""", "Security:Csp:Policy:upgrade-insecure-requests", "takes no value", "")]
    [TestCase("""{"PolicyString": "default-src 'self'\r\nX-Evil: 1"}""", "Security:Csp:PolicyString", "not allowed in an HTTP header", "")]
    [TestCase("""{"PolicyString": "default-src 'self'", "Nonce": {"Enabled": true}}""", "Security:Csp:Nonce:Enabled", "needs the policy as Policy", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Nonce": {"Enabled": true, "Directives": ["sandbox"]}}""", "Security:Csp:Nonce:Directives[0]", "'sandbox'", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "ApiPolicy": {"PolicyString": "default-src 'none'\r\nX-Evil: 1"}}""", "Security:Csp:ApiPolicy:PolicyString", "not allowed in an HTTP header", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "ApiPolicy": {"Mode": "off"}}""", "Security:Csp:ApiPolicy:Mode", "'off'", "enforce, report-only")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "ReportUri": "/csp report"}""", "Security:Csp:ReportUri", "'/csp report'", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "ReportSamplingPercentage": 150}""", "Security:Csp:ReportSamplingPercentage", "'150'", "between 0 and 100")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"MaxBodySize": 0}}""", "Security:Csp:Reports:MaxBodySize", "'0'", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"QueueCapacity": -1}}""", "Security:Csp:Reports:QueueCapacity", "'-1'", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"MaxReportsPerRequest": 0}}""", "Security:Csp:Reports:MaxReportsPerRequest", "'0'", "between 1 and 10000")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"RateLimit": {"PermitLimit": 0}}}""", "Security:Csp:Reports:RateLimit:PermitLimit", "'0'", "positive")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"RateLimit": {"Window": "00:00:00"}}}""", "Security:Csp:Reports:RateLimit:Window", "'00:00:00'", "00:00:01")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"RateLimit": {"Window": "2.00:00:00"}}}""", "Security:Csp:Reports:RateLimit:Window", "'2.00:00:00'", "1.00:00:00")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Policies": {"api": {"Mode": "nope", "Policy": {"default-src": ["none"]}}}}""", "Security:Csp:Policies:api:Mode", "'nope'", "")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"SuggestionMinClients": 0}}""", "Security:Csp:Reports:SuggestionMinClients", "'0'", "between 1 and 1000")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"MaxNewGroupsPerHour": 0}}""", "Security:Csp:Reports:MaxNewGroupsPerHour", "'0'", "between 1 and 10000000")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"AppOrigins": ["https://www.example.com/shop"]}}""", "Security:Csp:Reports:AppOrigins[0]", "'https://www.example.com/shop'", "no path or query")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"AppOrigins": ["www.example.com"]}}""", "Security:Csp:Reports:AppOrigins[0]", "'www.example.com'", "https://www.example.com")]
    [TestCase("""{"Policy": {"default-src": ["self"]}, "Reports": {"AppOrigins": "https://www.example.com"}}""", "Security:Csp:Reports:AppOrigins", "must be a list", "[ \"https://www.example.com\" ]")]
    public async Task Invalid_configuration_fails_at_startup_naming_option_and_value(string csp, string option, string value, string allowed)
    {
        var ex = await StartFailsAsync(json: Settings(csp));

        Assert.That(ex.Failures, Has.Some.StartsWith(option + ": ").And.Contains(value).And.Contains(allowed), string.Join("\n", ex.Failures));
    }

    [Test]
    public async Task Every_failure_is_reported_at_once()
    {
        var ex = await StartFailsAsync(json: Settings("""
            {"Mode": "sometimes", "Policy": {"script-src": ["self;"], "img-src": "self", "bogus-src": ["x"]}, "ReportSamplingPercentage": -1}
            """));

        Assert.That(ex.Failures.Count(), Is.GreaterThanOrEqualTo(5), string.Join("\n", ex.Failures));
        Assert.That(ex.Message, Does.Contain("Security:Csp:Mode").And.Contain("Security:Csp:Policy:script-src[0]")
            .And.Contain("Security:Csp:Policy:img-src").And.Contain("Security:Csp:Policy:bogus-src").And.Contain("Security:Csp:ReportSamplingPercentage"));
    }

    [Test]
    public async Task Header_injection_through_the_fluent_builder_is_rejected()
    {
        var ex = await StartFailsAsync(o => o.UsePolicy(p => p.ScriptSrc().From("cdn.example.com\r\nSet-Cookie: a=b")));

        Assert.That(ex.Failures.Single(), Does.StartWith("Security:Csp:Policy:script-src[0]: ").And.Contain("header injection"));
    }

    [Test]
    public async Task An_empty_source_list_is_an_error_that_suggests_none()
    {
        var ex = await StartFailsAsync(o => o.Policy = new() { ["script-src"] = [] });

        Assert.That(ex.Failures.Single(), Does.Contain("Security:Csp:Policy:script-src").And.Contain("[\"none\"]"));
    }

    [Test]
    public async Task A_directive_given_twice_in_different_case_is_an_error()
    {
        var ex = await StartFailsAsync(o => o.Policy = new(StringComparer.Ordinal) { ["script-src"] = ["self"], ["Script-Src"] = ["none"] });

        Assert.That(ex.Failures.Single(), Does.Contain("given twice"));
    }

    [Test]
    public void Unknown_named_policy_on_an_endpoint_fails_at_startup_naming_the_policy()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => CspTestHost.StartAsync(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self())).AddPolicy("api", p => p.DefaultSrc().None()),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/ok", () => "x").RequireCspPolicy("API");
                a.MapGet("/", () => "x").RequireCspPolicy("missing");
            }));

        Assert.That(ex!.Message, Does.Contain("'missing'").And.Not.Contain("'API'"));
    }
}

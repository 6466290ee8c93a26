using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Csp.Tests;

public sealed partial class CspNonceTests
{
    private static Task<TestApp> StartAsync(Action<SecurityCspOptions> configure) =>
        CspTestHost.StartAsync(
            s => s.AddSecurityCsp(configure),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/", (HttpContext c) => Results.Content($"<script nonce=\"{c.GetCspNonce()}\">go()</script>", "text/html"));
                a.MapGet("/no-nonce-read", () => "plain");
            });

    private static async Task<(string Header, string Body)> GetAsync(TestApp app, string path = "/")
    {
        using var response = await app.Client.GetAsync(path);
        return (response.Headers.GetValues("Content-Security-Policy").Single(), await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceInHeader();

    [GeneratedRegex("nonce=\"([^\"]+)\"")]
    private static partial Regex NonceInPage();

    [Test]
    public async Task Header_and_page_carry_the_same_nonce()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => { p.DefaultSrc().Self(); p.ScriptSrc().Self().WithNonce(); }));

        var (header, body) = await GetAsync(app);

        var nonce = NonceInPage().Match(body).Groups[1].Value;
        Assert.That(header, Is.EqualTo($"default-src 'self'; script-src 'self' 'nonce-{nonce}'"));
    }

    [Test]
    public async Task Nonce_differs_between_requests_and_has_at_least_128_bits()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => p.ScriptSrc().WithNonce()));

        var nonces = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            var (header, _) = await GetAsync(app);
            var nonce = NonceInHeader().Match(header).Groups[1].Value;
            Assert.That(Convert.FromBase64String(nonce), Has.Length.GreaterThanOrEqualTo(16));
            nonces.Add(nonce);
        }

        Assert.That(nonces, Has.Count.EqualTo(20));
    }

    [Test]
    public async Task No_nonce_is_drawn_for_the_header_when_the_page_never_reads_it()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => p.ScriptSrc().Self().WithNonce()));

        var (header, _) = await GetAsync(app, "/no-nonce-read");

        Assert.That(header, Is.EqualTo("script-src 'self'"));
    }

    [Test]
    public async Task Nonce_option_adds_the_nonce_to_script_src_and_style_src_by_default()
    {
        await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """
            {"Security": {"Csp": {"Nonce": {"Enabled": true},
              "Policy": {"default-src": ["self"], "script-src": ["self", "strict-dynamic"], "style-src": ["self"]}}}}
            """);

        var header = await app.GetCspAsync("/nonced");

        var nonce = NonceInHeader().Match(header!).Groups[1].Value;
        Assert.That(header, Is.EqualTo($"default-src 'self'; script-src 'self' 'strict-dynamic' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'"));
    }

    [Test]
    public async Task Nonce_directive_missing_from_the_policy_is_created_from_default_src()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o =>
        {
            o.Nonce.Enabled = true;
            o.Nonce.Directives = ["script-src"];
            o.UsePolicy(p => p.DefaultSrc().None());
        });

        var header = await app.GetCspAsync("/nonced");

        Assert.That(header, Does.Match("^default-src 'none'; script-src 'nonce-[^']+'$"));
    }

    [Test]
    public async Task Nonce_and_hash_sources_sit_side_by_side()
    {
        await using var app = await StartAsync(o => o.UsePolicy(p => p.ScriptSrc().WithNonce().Sha256("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").StrictDynamic()));

        var (header, body) = await GetAsync(app);

        var nonce = NonceInPage().Match(body).Groups[1].Value;
        Assert.That(header, Is.EqualTo($"script-src 'nonce-{nonce}' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' 'strict-dynamic'"));
    }

    [Test]
    public async Task Enforced_and_report_only_headers_share_the_request_nonce()
    {
        await using var app = await StartAsync(o =>
        {
            o.Mode = CspModes.EnforceAndReportOnly;
            o.UsePolicy(p => p.ScriptSrc().WithNonce());
            o.UseReportOnlyPolicy(p => p.ScriptSrc().WithNonce().StrictDynamic());
        });

        using var response = await app.Client.GetAsync("/");
        var nonce = NonceInPage().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;

        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo($"script-src 'nonce-{nonce}'"));
        Assert.That(response.Headers.GetValues("Content-Security-Policy-Report-Only").Single(), Is.EqualTo($"script-src 'nonce-{nonce}' 'strict-dynamic'"));
    }

    [Test]
    public void GetCspNonce_returns_the_same_value_within_a_request()
    {
        var context = new DefaultHttpContext();

        var first = context.GetCspNonce();
        var second = context.GetCspNonce();

        Assert.That(second, Is.EqualTo(first));
        Assert.That(new DefaultHttpContext().GetCspNonce(), Is.Not.EqualTo(first));
    }

    [TestCase("script")]
    [TestCase("style")]
    public void Tag_helper_writes_the_request_nonce_and_removes_its_marker(string tag)
    {
        var httpContext = new DefaultHttpContext();
        var helper = new CspNonceTagHelper { ViewContext = new ViewContext { HttpContext = httpContext } };
        var attributes = new TagHelperAttributeList { new TagHelperAttribute(CspNonceTagHelper.AttributeName), new TagHelperAttribute("src", "/a.js") };
        var context = new TagHelperContext(tag, attributes, new Dictionary<object, object>(), "id");
        var output = new TagHelperOutput(tag, new TagHelperAttributeList(attributes), (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));

        helper.Process(context, output);

        Assert.That(output.Attributes.ContainsName(CspNonceTagHelper.AttributeName), Is.False);
        Assert.That(output.Attributes["nonce"].Value, Is.EqualTo(httpContext.GetCspNonce()));
        Assert.That(output.Attributes["src"].Value, Is.EqualTo("/a.js"));
    }
}

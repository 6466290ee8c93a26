using Microsoft.Extensions.Logging.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// <c>p.ForBlazorWebApp()</c>, the policy a Blazor Web App runs under, and the startup warning for a policy that blocks
/// the <c>&lt;base href&gt;</c> Razor component pages render.
/// </summary>
public sealed class CspBlazorPolicyTests
{
    private const string ServerPolicy =
        "default-src 'self'; script-src 'self' 'nonce-{0}'; " +
        "script-src-attr 'unsafe-hashes' 'sha256-qnHnQs7NjQNHHNYv/I9cW+I62HzDJjbnyS/OFzqlix0='; style-src 'self' 'nonce-{0}'; " +
        "style-src-attr 'unsafe-hashes' 'sha256-UiE/yBK3JdsXD4jYHZMyw+adJqsP3MAQrrZwb1phhG8='; img-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    [Test]
    public async Task Preset_is_the_documented_policy_with_the_pages_nonce()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p => p.ForBlazorWebApp()));

        var header = await app.GetCspAsync("/nonced");

        var nonce = header!.Split("'nonce-")[1].Split('\'')[0];
        Assert.That(header, Is.EqualTo(string.Format(ServerPolicy, nonce)));
    }

    [Test]
    public async Task Preset_for_WebAssembly_adds_wasm_unsafe_eval_to_script_src_only()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p => p.ForBlazorWebApp(webAssembly: true)));

        Assert.That(await app.GetCspAsync("/"), Does.Contain("; script-src 'self' 'wasm-unsafe-eval'; ").And.Contains("style-src 'self'; "));
    }

    [Test]
    public async Task Preset_takes_further_sources()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p => p.ForBlazorWebApp().ImgSrc().From("https://img.example")));

        Assert.That(await app.GetCspAsync("/"), Does.Contain("; img-src 'self' data: https://img.example; "));
    }

    [Test]
    public async Task Preset_has_no_linter_warning()
    {
        await using var app = await CspTestHost.StartComponentsAsync(p => p.ForBlazorWebApp());

        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 3002), Is.Empty);
    }

    [Test]
    public async Task Base_uri_none_with_razor_component_pages_is_a_startup_warning_that_says_why()
    {
        await using var app = await CspTestHost.StartComponentsAsync(p =>
        {
            p.DefaultSrc().Self();
            p.ScriptSrc().Self().WithNonce();
            p.ObjectSrc().None();
            p.BaseUri().None();
        });

        var warning = app.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Id == 3002);
        Assert.That(warning.Message, Does.Contain("'default' (enforce), directive base-uri: base-uri-blocks-blazor").And.Contain("<base href>").And.Contain("base-uri 'self'"));
    }

    [Test]
    public async Task Base_uri_none_without_razor_component_pages_is_no_warning()
    {
        await using var app = await CspTestHost.StartWithPageAsync(o => o.UsePolicy(p =>
        {
            p.DefaultSrc().Self();
            p.ScriptSrc().Self().WithNonce();
            p.ObjectSrc().None();
            p.BaseUri().None();
        }));

        Assert.That(app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Id.Id == 3002), Is.Empty);
    }
}

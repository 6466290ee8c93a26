using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Security.Testing;

namespace Security.IntegrationTests.Browser;

/// <summary>What Chromium makes of the default Permissions-Policy: every name known, every listed feature off.</summary>
[NonParallelizable]
public class PermissionsPolicyBrowserTests : BrowserFixture
{
    [Test]
    public async Task Chromium_knows_every_default_feature_and_denies_each_denied_one()
    {
        await using var app = await TestHost.StartKestrelAsync(
            services => services.AddSecurityHeaders(),
            web =>
            {
                web.UseSecurityHeaders();
                web.MapGet("/", () => Results.Content("<!doctype html><title>policy</title><p>page</p>", "text/html"));
            });
        using var response = await app.Client.GetAsync("/");
        var policy = string.Join(", ", response.Headers.GetValues("Permissions-Policy"))
            .Split(", ").Select(item => item.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add(message.Text);
        await page.GotoAsync(app.BaseAddress.ToString());
        await page.WaitForLoadStateAsync(LoadState.Load);
        var known = await page.EvaluateAsync<string[]>("() => document.featurePolicy.features()");
        var allowed = await page.EvaluateAsync<string[]>("() => document.featurePolicy.allowedFeatures()");

        Assert.That(console.Where(m => m.Contains("Permissions-Policy", StringComparison.Ordinal)), Is.Empty, "no name Chromium rejects");
        Assert.That(known, Is.SupersetOf(policy.Keys));
        Assert.That(allowed, Has.None.AnyOf(policy.Where(kv => kv.Value == "()").Select(kv => kv.Key).ToArray()));
        Assert.That(allowed, Does.Contain("publickey-credentials-get"));
        Assert.That(policy.Keys, Does.Contain("local-network").And.Contain("loopback-network").And.Contain("unload"));
    }
}

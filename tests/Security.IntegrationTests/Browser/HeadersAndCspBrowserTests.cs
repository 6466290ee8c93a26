using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Security.Testing;

namespace Security.IntegrationTests.Browser;

/// <summary>What Chromium does with the sample's security headers and CSP.</summary>
[NonParallelizable]
public class HeadersAndCspBrowserTests : BrowserFixture
{
    [Test]
    public async Task A_page_from_a_foreign_origin_cannot_frame_the_home_page()
    {
        await using var app = new SampleApp();
        var target = app.Url("/").ToString();
        // The foreign origin: another port on 127.0.0.1, framing the sample and (as a control) itself.
        await using var foreign = await TestHost.StartKestrelAsync(null, web =>
        {
            web.MapGet("/", () => Results.Content(
                $"<!doctype html><title>foreign</title><iframe id=target src=\"{target}\"></iframe><iframe id=control src=\"/framable\"></iframe>",
                "text/html"));
            web.MapGet("/framable", () => Results.Content("<!doctype html><p id=framed>framed fine</p>", "text/html"));
        });
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(foreign.BaseAddress.ToString());
        await page.WaitForLoadStateAsync(LoadState.Load);

        var control = page.Frames.Single(f => f.Url.EndsWith("/framable", StringComparison.Ordinal));
        Assert.That(await control.TextContentAsync("#framed"), Is.EqualTo("framed fine"), "framing itself works in this browser");
        var framed = page.Frames.Where(f => f != page.MainFrame && f != control).ToList();
        Assert.That(framed, Has.Count.EqualTo(1));
        Assert.That(framed[0].Url, Does.Not.StartWith(app.BaseAddress.ToString().TrimEnd('/')), "Chromium replaced the blocked frame with its error page");
        Assert.That(await framed[0].ContentAsync(), Does.Not.Contain("Security.Sample"));
    }

    [Test]
    public async Task An_inline_script_with_the_nonce_runs_and_one_without_it_does_not()
    {
        await using var app = new SampleApp();
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(app.Url("/").ToString());
        Assert.That(await page.TextContentAsync("#script-status"), Is.EqualTo("Inline script ran."), "the home page's script carries the nonce");

        await page.GotoAsync(app.Url("/csp-demo").ToString());
        Assert.That(await page.TextContentAsync("#nonce-result"), Is.EqualTo("The nonced script ran, as allowed."));
        Assert.That(await page.TextContentAsync("#inline-result"), Is.EqualTo("The inline script without a nonce was blocked."));
    }

    [Test]
    public async Task Logout_with_Clear_Site_Data_clears_the_sites_cookies_and_storage()
    {
        await using var app = new SampleApp();
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Url("/private").ToString());
        await LoginBrowserTests.SignInAsync(page, "admin", "Admin-pass-1");
        await page.EvaluateAsync("() => { localStorage.setItem('draft', 'secret'); sessionStorage.setItem('tab', 'x'); }");
        Assert.That(await context.CookiesAsync(app.BaseAddress.ToString()), Is.Not.Empty);
        Assert.That(await page.EvaluateAsync<string?>("() => localStorage.getItem('draft')"), Is.EqualTo("secret"));

        var signOut = page.WaitForResponseAsync(r => r.Url.EndsWith("/account/logout", StringComparison.Ordinal));
        await page.ClickAsync("button:has-text('Sign out')");
        var answer = await signOut;
        Assert.That(answer.Status, Is.EqualTo(302), "the sign-out POST redirects home; it answered " + answer.StatusText);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        var cookies = await context.CookiesAsync(app.BaseAddress.ToString());
        Assert.That(cookies.Select(c => c.Name), Has.None.StartsWith("Security.Sample.Auth"), "the auth cookie is gone");
        Assert.That(cookies.Select(c => c.Name), Has.None.StartsWith("Security.Sample.Antiforgery"), "Clear-Site-Data removed every cookie, not just the one sign-out deletes");
        Assert.That(await page.EvaluateAsync<string?>("() => localStorage.getItem('draft')"), Is.Null, "local storage cleared");
    }
}

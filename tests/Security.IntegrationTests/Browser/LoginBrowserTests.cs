using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Security.IntegrationTests.Browser;

/// <summary>Sign-in flows of the sample app in headless Chromium.</summary>
[NonParallelizable]
public class LoginBrowserTests
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task Launch() => (_playwright, _browser) = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task Close()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Test]
    public async Task Private_page_sends_to_login_and_back_after_sign_in()
    {
        await using var app = new SampleApp();
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(app.Url("/private").ToString());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/account/login"));
        await Chromium.ScreenshotAsync(page, "login-page");

        await SignInAsync(page, "admin", "Admin-pass-1");

        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/private"));
        Assert.That(await page.TextContentAsync("body"), Does.Contain("admin"));
    }

    [Test]
    public async Task Idle_signed_in_user_is_sent_to_the_login_page()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new SampleApp(new Dictionary<string, string?> { ["Security:Sessions:InactivityTimeout"] = "00:05:00" }, time);
        await using var context = await _browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Url("/private").ToString());
        await SignInAsync(page, "admin", "Admin-pass-1");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/private"));

        // Idle past the 5-minute inactivity timeout on the app's clock.
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await page.GotoAsync(app.Url("/private").ToString());

        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/account/login"));
    }

    internal static async Task SignInAsync(IPage page, string username, string password)
    {
        await page.FillAsync("input[name=username]", username);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button:has-text('Sign in')");
        await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
    }
}

using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

namespace Security.IntegrationTests.Browser;

/// <summary>Sign-in flows of the sample app in headless Chromium.</summary>
[NonParallelizable]
public class LoginBrowserTests : BrowserFixture
{
    [Test]
    public async Task Private_page_sends_to_login_and_back_after_sign_in()
    {
        await using var app = new SampleApp();
        await using var context = await Browser.NewContextAsync();
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
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Url("/private").ToString());
        await SignInAsync(page, "admin", "Admin-pass-1");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/private"));

        // Idle past the 5-minute inactivity timeout on the app's clock.
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await page.GotoAsync(app.Url("/private").ToString());

        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/account/login"));
    }

    [Test]
    public async Task Alice_must_change_her_password_before_reaching_the_private_page()
    {
        await using var app = new SampleApp();
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Url("/private").ToString());

        await SignInAsync(page, "alice", "Alice-pass-1");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/account/change-password"), "a new user's password is expired");

        await page.FillAsync("input[name=currentPassword]", "Alice-pass-1");
        await page.FillAsync("input[name=newPassword]", "Alice-pass-2");
        await page.FillAsync("input[name=confirmPassword]", "Alice-pass-2");
        await page.ClickAsync("button:has-text('Change password')");
        await page.WaitForSelectorAsync("[role=status]");

        await page.GotoAsync(app.Url("/private").ToString());
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/private"));
        Assert.That(await page.TextContentAsync("body"), Does.Contain("alice"));
    }

    [Test]
    public async Task Three_failed_logins_then_the_throttling_message_on_the_page()
    {
        // A still clock: the delay reads exactly 5 seconds however slow the machine is.
        await using var app = new SampleApp(time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.Url("/account/login").ToString());

        for (var i = 0; i < 3; i++)
        {
            await SubmitLoginAsync(page, "alice", "wrong-password");
            Assert.That(await page.TextContentAsync("[role=alert]"), Does.Contain("Invalid user name or password"), $"failure {i + 1}");
        }

        await SubmitLoginAsync(page, "alice", "Alice-pass-1");

        var message = await page.TextContentAsync("[role=alert]");
        Assert.That(message, Does.Contain("Due to the failure of previous attempts, your login request has been denied as a security precaution. Please try again in at least 5 seconds."));
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/account/login"), "even the right password is refused while throttled");
        await Chromium.ScreenshotAsync(page, "login-throttled");
    }

    private static async Task SubmitLoginAsync(IPage page, string username, string password)
    {
        await page.FillAsync("input[name=username]", username);
        await page.FillAsync("input[name=password]", password);
        // The click waits for the form's navigation to start; then wait for the new page.
        await page.ClickAsync("button:has-text('Sign in')");
        await page.WaitForLoadStateAsync(LoadState.Load);
    }

    internal static async Task SignInAsync(IPage page, string username, string password)
    {
        await page.FillAsync("input[name=username]", username);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button:has-text('Sign in')");
        try
        {
            await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
        }
        catch (TimeoutException)
        {
            // Say what the login page said (a wrong password, a throttling message) rather than only that it stayed.
            var alert = await page.Locator("[role=alert]").AllInnerTextsAsync();
            Assert.Fail($"Signing in as {username} stayed on {page.Url}: {string.Join(" | ", alert)}");
        }
    }
}

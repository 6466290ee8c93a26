using Microsoft.Playwright;

namespace Security.IntegrationTests.Browser;

/// <summary>One headless Chromium per test class; each test opens its own context (cookies, storage).</summary>
public abstract class BrowserFixture
{
    private IPlaywright _playwright = null!;

    protected IBrowser Browser { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task LaunchBrowser() => (_playwright, Browser) = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseBrowser()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

using Microsoft.Playwright;

namespace Security.IntegrationTests.Browser;

/// <summary>
/// Headless Debian Chromium driven by Playwright. Never downloads a browser: the executable is the
/// <c>chromium</c> on PATH (build/test.sh installs the Debian package when missing).
/// </summary>
internal static class Chromium
{
    // Without the background-networking flags Chromium keeps calling Google's hosts, which this
    // machine's closed network refuses; --short-reporting-delay makes Reporting API reports arrive at once.
    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic", "--short-reporting-delay",
        // HTTPS tests use a self-signed certificate; the Reporting API uploads must accept it too.
        "--ignore-certificate-errors",
    ];

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException("chromium was not found on PATH: install the Debian package (apt-get install chromium; build/test.sh does this).");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Arguments,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Saves a screenshot under the test's output folder and attaches it to the test result.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
            .Split(Path.PathSeparator)
            .SelectMany(dir => new[] { Path.Combine(dir, "chromium"), Path.Combine(dir, "chromium-browser") })
            .FirstOrDefault(File.Exists);
}

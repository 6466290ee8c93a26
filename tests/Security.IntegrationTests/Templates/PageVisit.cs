using Microsoft.Playwright;

namespace Security.IntegrationTests.Templates;

/// <summary>One browser context on the app, recording what fails without a word: CSP violations, script errors, assets not served.</summary>
internal sealed class PageVisit : IAsyncDisposable
{
    private readonly List<string> _failures = [];

    public PageVisit(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Record($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"script error: {error}");
        page.Response += (_, response) =>
        {
            var type = response.Request.ResourceType;
            if (type is "stylesheet" or "script" or "image" or "font" && response.Status != 200)
            {
                Record($"{type} {response.Url}: {response.Status}");
            }
        };
        page.RequestFailed += (_, request) =>
        {
            // Blazor's enhanced navigation cancels its page fetch once it has what it needs or the next navigation starts.
            if (!(request.ResourceType == "fetch" && request.Failure == "net::ERR_ABORTED"))
            {
                Record($"{request.ResourceType} {request.Url}: {request.Failure}");
            }
        };
    }

    /// <summary>Opens <paramref name="url"/> in a fresh context (no cookies) that accepts the app's test certificate.</summary>
    public static async Task<PageVisit> OpenAsync(IBrowser browser, string url)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        var visit = new PageVisit(context, page);
        await page.GotoAsync(url);
        return visit;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public Task<string> BackgroundColorAsync(string selector) =>
        Page.EvalOnSelectorAsync<string>(selector, "e => getComputedStyle(e).backgroundColor");

    /// <summary>
    /// Fetches every stylesheet and script of the page again with this context's cookies, bypassing the browser's cache
    /// (which would hide an asset the app now redirects, loaded on an earlier page).
    /// </summary>
    public async Task<IReadOnlyList<string>> AssetStatusesAsync()
    {
        var urls = await Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('link[rel=stylesheet]')].map(e => e.href).concat([...document.querySelectorAll('script[src]')].map(e => e.src))");
        var statuses = new List<string>();
        foreach (var url in urls)
        {
            var response = await Context.APIRequest.GetAsync(url, new APIRequestContextOptions { MaxRedirects = 0 });
            statuses.Add($"{url}: {response.Status}");
        }

        return statuses;
    }

    /// <summary>
    /// Three wrong passwords for a name nobody has get the page's "Invalid login attempt.", the fourth the app's own
    /// lockout page: throttling answered through the sign-in manager, as Identity's lockout is.
    /// </summary>
    /// <param name="signIn">Fills and submits the page's login form: page, email, password.</param>
    /// <param name="errorSelector">Where the login page shows its error.</param>
    /// <param name="lockoutPath">The lockout page's path, e.g. <c>/Account/Lockout</c>.</param>
    public async Task AssertFourthWrongPasswordIsLockedOutAsync(Func<IPage, string, string, Task> signIn, string errorSelector, string lockoutPath)
    {
        var email = $"nobody-{Guid.NewGuid():N}@example.com";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await signIn(Page, email, "wrong-password");
            Assert.That(await Page.TextContentAsync(errorSelector), Does.Contain("Invalid login attempt."), $"attempt {attempt}");
        }

        await signIn(Page, email, "wrong-password");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo(lockoutPath));
            Assert.That(await Page.TextContentAsync("h1"), Does.Contain("Locked out"));
            AssertNoSilentFailure();
        });
    }

    /// <summary>What was recorded so far, e.g. to tell a CSP violation from an error the test provoked.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures)
            {
                return [.. _failures];
            }
        }
    }

    public void AssertNoSilentFailure()
    {
        lock (_failures)
        {
            Assert.That(_failures, Is.Empty, $"on {Page.Url}:{Environment.NewLine}{string.Join(Environment.NewLine, _failures)}");
        }
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();

    private void Record(string failure)
    {
        lock (_failures)
        {
            _failures.Add(failure);
        }
    }
}

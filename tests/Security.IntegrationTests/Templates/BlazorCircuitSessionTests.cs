using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Security.IntegrationTests.Browser;

namespace Security.IntegrationTests.Templates;

/// <summary>
/// The Blazor template of <see cref="BlazorTemplateTests"/> with session expiry and its circuit limits (the Sessions
/// README's lines, with its "Blazor circuits" call) under a short inactivity limit: an expired session ends a live circuit's
/// signed-in state without a navigation.
/// </summary>
[NonParallelizable]
public sealed class BlazorCircuitSessionTests : BrowserFixture
{
    private static readonly TimeSpan InactivityTimeout = TimeSpan.FromSeconds(8);

    // Not a README line: an interactive page that shows the circuit's user, as any <AuthorizeView> would.
    private const string HarnessWhoAmIPage = """
        @page "/harness/whoami"
        @rendermode InteractiveServer

        <AuthorizeView>
            <Authorized><p id="user">Signed in as @context.User.Identity?.Name</p></Authorized>
            <NotAuthorized><p id="user">Signed out</p></NotAuthorized>
        </AuthorizeView>
        <button id="click" class="btn btn-primary" @onclick="() => clicks++">Clicked @clicks</button>

        @code {
            private int clicks;
        }
        """;

    public const string ServicesAnchor = "builder.Services.AddLoginRequired();";

    public const string CircuitLimits = "builder.Services.AddSessionExpiry().AddCircuitLimits();";

    public const string Services = $"""
        builder.Services.AddLoginRequired();
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSession();
        {CircuitLimits}
        """;

    public const string MiddlewareAnchor = "app.UseAuthentication();\napp.UseLoginRequired();";

    public const string Middleware = """
        app.UseSession();
        app.UseAuthentication();
        app.UseSessionExpiry();
        app.UseLoginRequired();
        """;

    private TemplateApp _app = null!;

    [OneTimeSetUp]
    public async Task CreateApp()
    {
        _app = TemplateApp.Create(["blazor", "--auth", "Individual"], "BlazorApp", ["Security.Headers", "Security.Csp", "Security.Auth", "Security.Sessions"]);
        try
        {
            BlazorTemplateWiring.Apply(_app);
            _app.Replace("Program.cs", ServicesAnchor, Services);
            _app.Replace("Program.cs", MiddlewareAnchor, Middleware);
            _app.Write("Components/Pages/HarnessWhoAmI.razor", HarnessWhoAmIPage);
            await _app.StartAsync(
                new Dictionary<string, string> { ["Security__Sessions__InactivityTimeout"] = InactivityTimeout.ToString("c") },
                host: "localhost");
        }
        catch
        {
            await _app.DisposeAsync();
            throw;
        }
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Test]
    public async Task Idle_circuit_past_the_inactivity_limit_shows_signed_out_content_without_a_navigation()
    {
        await using var visit = await SignedInAsync();
        await visit.Page.GotoAsync(_app.Url("harness/whoami"));
        var user = visit.Page.Locator("#user");
        await Assertions.Expect(user).ToHaveTextAsync(new Regex("^Signed in as "), new() { Timeout = 5_000 });
        await Assertions.Expect(visit.Page.Locator("#click")).ToBeEnabledAsync();

        await Assertions.Expect(user).ToHaveTextAsync("Signed out", new() { Timeout = (float)(InactivityTimeout * 3).TotalMilliseconds });

        Assert.Multiple(() =>
        {
            Assert.That(new Uri(visit.Page.Url).AbsolutePath, Is.EqualTo("/harness/whoami"), "the circuit's state changed in place, with no navigation");
            Assert.That(_app.Output, Does.Contain("Session expired inside an interactive circuit"), "event 4009 logged");
        });
    }

    [Test]
    public async Task Circuit_kept_busy_with_clicks_stays_signed_in_past_the_inactivity_limit_and_so_does_the_next_request()
    {
        await using var visit = await SignedInAsync();
        await visit.Page.GotoAsync(_app.Url("harness/whoami"));
        var user = visit.Page.Locator("#user");
        await Assertions.Expect(user).ToHaveTextAsync(new Regex("^Signed in as "), new() { Timeout = 5_000 });

        // Clicks are circuit messages, not HTTP requests, and they are activity all the same: for twice the inactivity
        // limit with no HTTP request, the user stays signed in in the circuit. A click on the prerendered button before
        // the circuit is up does nothing, so only the button's count is trusted.
        var button = visit.Page.Locator("#click");
        var until = DateTime.UtcNow + InactivityTimeout * 2;
        while (DateTime.UtcNow < until)
        {
            await button.ClickAsync();
            await visit.Page.WaitForTimeoutAsync(250);
        }

        var clicks = int.Parse((await button.TextContentAsync())!["Clicked ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(clicks, Is.GreaterThan(InactivityTimeout.TotalSeconds), "the circuit was busy the whole time");
        Assert.That(await user.TextContentAsync(), Does.StartWith("Signed in as "), "circuit activity is activity");

        // The session itself was kept alive: the next HTTP request is served signed in, not sent to sign in.
        var again = await visit.Context.APIRequest.GetAsync(_app.Url("counter"), new APIRequestContextOptions { MaxRedirects = 0 });
        Assert.That(again.Status, Is.EqualTo(200), again.Headers.GetValueOrDefault("location") ?? "");
    }

    [Test]
    public async Task Next_navigation_after_the_circuit_expired_is_sent_to_sign_in()
    {
        await using var visit = await SignedInAsync();
        await visit.Page.GotoAsync(_app.Url("harness/whoami"));
        await Assertions.Expect(visit.Page.Locator("#user")).ToHaveTextAsync("Signed out", new() { Timeout = (float)(InactivityTimeout * 3).TotalMilliseconds });

        var again = await visit.Context.APIRequest.GetAsync(_app.Url("counter"), new APIRequestContextOptions { MaxRedirects = 0 });

        Assert.That(again.Headers.GetValueOrDefault("location"), Does.Contain("/Account/Login"), "the session is expired for HTTP too");
    }

    private Task<PageVisit> SignedInAsync() => BlazorTemplateTests.RegisterAndSignInAsync(Browser, _app);
}

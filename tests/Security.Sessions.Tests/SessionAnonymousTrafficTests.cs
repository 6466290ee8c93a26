using System.Net;

namespace Security.Sessions.Tests;

/// <summary>
/// Requests that need no session get none: a visitor without a session cookie and not signed in, a 404, a JSON call, a
/// static file or a static-asset endpoint is answered without a session cookie, without a session-store call and with
/// the app's own caching headers, so public pages and assets stay cacheable and bots fill no store.
/// </summary>
public class SessionAnonymousTrafficTests
{
    private const string SessionCookie = ".AspNetCore.Session";

    [TestCase("/public", HttpStatusCode.OK)]
    [TestCase("/", HttpStatusCode.OK)]
    [TestCase("/api/status", HttpStatusCode.OK)]
    [TestCase("/no-such-page", HttpStatusCode.NotFound)]
    [TestCase("/plain.txt", HttpStatusCode.OK)]
    [TestCase("/css/site.css", HttpStatusCode.OK)]
    public async Task Cookie_less_anonymous_request_gets_no_session_cookie_and_costs_no_store_call(string path, HttpStatusCode status)
    {
        await using var host = await SessionHost.StartAsync();

        using var response = await host.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False, "no session cookie");
        Assert.That(response.Headers.Pragma, Is.Empty, "no no-cache headers");
        Assert.That(host.Cache.Calls, Is.Zero, "nothing loaded, stored or refreshed");
    }

    [Test]
    public async Task Cookie_less_anonymous_request_keeps_the_apps_Cache_Control()
    {
        await using var host = await SessionHost.StartAsync();

        using var response = await host.Client.GetAsync("/public");

        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=600"));
    }

    [Test]
    public async Task Static_asset_endpoint_keeps_its_immutable_caching_and_costs_no_store_call_for_a_signed_in_user()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        await host.GetAsync("/cart/set/book");
        var calls = host.Cache.Calls;

        using var response = await host.Client.GetAsync("/css/site.css");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("max-age=31536000, immutable"));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
        Assert.That(host.Cache.Calls, Is.EqualTo(calls), "an asset is not activity: the session is neither loaded nor stored");
        Assert.That(await host.GetAsync("/whoami"), Is.EqualTo("alice"));
    }

    [Test]
    public async Task Anonymous_request_that_stores_something_starts_a_session_with_its_times()
    {
        await using var host = await SessionHost.StartAsync();
        host.Time.Advance(TimeSpan.FromMinutes(1));

        using var response = await host.Client.GetAsync("/cart/set/book");

        Assert.That(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal)),
            Is.True, "the app's write starts the session");
        var times = (await host.ReadTimesAsync())!.Value;
        Assert.That(times.Start, Is.EqualTo(SessionHost.Epoch.AddMinutes(1)));
        Assert.That(times.Last, Is.EqualTo(SessionHost.Epoch.AddMinutes(1)));
        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("book"));
    }

    [Test]
    public async Task Anonymous_session_started_by_the_app_still_expires_when_idle()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");

        host.Time.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromTicks(1));

        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("empty"));
    }

    [TestCase("forged-not-a-session")]
    [TestCase("CfDJ8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Anonymous_request_with_a_session_cookie_that_reaches_no_session_stores_nothing(string value)
    {
        await using var host = await SessionHost.StartAsync();
        host.Cookies.Add(new Uri("http://localhost"), new Cookie(SessionCookie, value));

        using var response = await host.Client.GetAsync("/public");

        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False);
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=600"));
        Assert.That(host.Cache.Writes, Is.Zero, "no empty session is stored for a cookie that leads nowhere");
    }

    [Test]
    public async Task Signed_in_request_without_a_session_cookie_still_gets_a_session_from_the_sign_in()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/signin/alice");
        host.DropCookie(SessionCookie);

        using var response = await host.Client.GetAsync("/whoami");

        Assert.That(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(SessionCookie + "=", StringComparison.Ordinal)),
            Is.True, "a signed-in user's session is checked and stored");
        Assert.That((await host.ReadTimesAsync())!.Value.Owner, Is.EqualTo("alice"));
    }
}

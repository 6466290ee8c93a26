using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Sessions.Internal;

namespace Security.Sessions.Tests;

/// <summary>
/// The renewer writes session cookies itself, in ASP.NET Core session middleware's internal format. These build cookies
/// with the real middleware and fail when a framework update changes the format: the renewer must read the
/// middleware's cookie, the middleware must accept the renewer's, and both must mark the response alike.
/// </summary>
public class SessionCookieFormatTests
{
    private const string SessionCookie = ".AspNetCore.Session";
    private static readonly Uri Site = new("http://localhost");

    [Test]
    public async Task Cookie_of_the_real_session_middleware_reads_back_as_its_key()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");
        var format = Format(host);

        var key = format.Unprotect(CookieValue(host));

        Assert.That(key, Is.Not.Null, "the renewer reads the middleware's cookie");
        Assert.That(Guid.TryParse(key, out _), Is.True, key);
        Assert.That(host.Cache.Get(key!), Is.Not.Null, "the session is stored under that key");
    }

    [Test]
    public async Task Cookie_written_by_the_renewers_format_is_accepted_by_the_real_session_middleware()
    {
        await using var host = await SessionHost.StartAsync();
        var key = SessionCookieFormat.NewKey();
        host.Cookies.Add(Site, new Cookie(SessionCookie, Uri.EscapeDataString(Format(host).Protect(key))));

        using var response = await host.Client.GetAsync("/cart/set/book");

        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False, "the middleware took the key rather than making a new one");
        Assert.That(host.Cache.Get(key), Is.Not.Null, "and stored the session under it");
        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("book"));
    }

    [Test]
    public async Task Response_that_sets_a_new_session_cookie_is_marked_as_the_middleware_marks_it()
    {
        await using var host = await SessionHost.StartAsync();
        using var real = await host.Client.GetAsync("/cart/set/book");
        var ours = new DefaultHttpContext().Response;

        SessionCookieFormat.MarkUncacheable(ours);

        Assert.That(real.Headers.CacheControl?.ToString().Split(',', StringSplitOptions.TrimEntries),
            Is.EquivalentTo(ours.Headers.CacheControl.ToString().Split(',')));
        Assert.That(real.Headers.Pragma.ToString(), Is.EqualTo(ours.Headers.Pragma.ToString()));
        Assert.That(real.Content.Headers.GetValues("Expires").Single(), Is.EqualTo(ours.Headers.Expires.ToString()));
    }

    [Test]
    public async Task Key_renewed_at_sign_in_is_one_the_real_middleware_keeps()
    {
        await using var host = await SessionHost.StartAsync();
        await host.GetAsync("/cart/set/book");
        var before = CookieValue(host);

        await host.GetAsync("/signin/alice");
        await host.GetAsync("/cart/set/pen");

        var after = CookieValue(host);
        Assert.That(after, Is.Not.EqualTo(before), "the sign-in renewed the key");
        Assert.That(host.Cache.Get(Format(host).Unprotect(after)!), Is.Not.Null, "the renewed cookie reaches the stored session");
        Assert.That(await host.GetAsync("/cart"), Is.EqualTo("pen"));
    }

    // As the browser holds it: the response cookie is percent-encoded, the request cookie decoded again.
    private static string CookieValue(SessionHost host) => Uri.UnescapeDataString(host.Cookies.GetCookies(Site)[SessionCookie]!.Value);

    private static SessionCookieFormat Format(SessionHost host) => new(host.Services.GetRequiredService<IDataProtectionProvider>());
}

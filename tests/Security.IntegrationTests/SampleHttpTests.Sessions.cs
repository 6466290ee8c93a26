using System.Net;
using System.Text.RegularExpressions;
using Security.IntegrationTests.Browser;

namespace Security.IntegrationTests;

/// <summary>The sample's session: none for a first visit, its cookie's attributes, and the visit counter starting over.</summary>
public partial class SampleHttpTests
{
    [TestCase("/")]
    [TestCase("/csp-demo")]
    [TestCase("/site.css")]
    [TestCase("/no-such-page")]
    [TestCase("/api/ping")]
    public async Task Anonymous_first_visit_gets_no_session_cookie(string path)
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);

        using var response = await client.GetAsync(path);

        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.That(cookies.Where(c => c.StartsWith("Security.Sample.Session=", StringComparison.Ordinal)), Is.Empty, $"{(int)response.StatusCode} {path}");
        Assert.That(response.Headers.Pragma, Is.Empty, "no no-cache headers from the session");
    }

    [Test]
    public async Task Session_cookie_on_the_http_development_url_is_HttpOnly_and_SameSite_Lax()
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);

        using var response = await client.GetAsync("/account/login");

        var cookie = SetCookie(response, "Security.Sample.Session=");
        Assert.That(cookie, Does.Contain("; path=/").And.Contain("; samesite=lax").And.Contain("; httponly").And.Not.Contain("secure"), cookie);
    }

    [Test]
    public async Task Session_cookie_outside_Development_is_a_Secure___Host_cookie()
    {
        // Outside Development the sample needs its secrets from the deployment, as a real app would.
        await using var app = new SampleApp(new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Security:Auth:Throttling:UsernameHashKey"] = "production-test-secret-0123456789abcdef",
        });
        using var client = Client(app, out _);

        using var response = await client.GetAsync("/account/login");

        var cookie = SetCookie(response, "__Host-Security.Sample.Session=");
        Assert.That(cookie, Does.Contain("; path=/").And.Contain("; secure").And.Contain("; samesite=lax").And.Contain("; httponly").And.Not.Contain("domain="), cookie);
    }

    [Test]
    public async Task Visits_count_rendered_pages_and_start_over_at_sign_in()
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);

        Assert.That(Visits(await client.GetStringAsync("/")), Is.EqualTo(-1), "a first visit starts no session");
        Assert.That(Visits(await client.GetStringAsync("/account/login")), Is.EqualTo(1), "the sign-in page starts one");
        Assert.That(Visits(await client.GetStringAsync("/")), Is.EqualTo(2));
        await SignInAsync(client, "admin", "Admin-pass-1");

        Assert.That(Visits(await client.GetStringAsync("/")), Is.EqualTo(1), "the sign-in started a new session");
        Assert.That(Visits(await client.GetStringAsync("/private")), Is.EqualTo(2));
    }

    [Test]
    public async Task Planted_session_cookie_sees_the_count_start_over_when_the_victim_signs_in()
    {
        await using var app = new SampleApp();
        using var attacker = Client(app, out var attackerCookies);
        await attacker.GetStringAsync("/account/login");
        using var victim = Client(app, out var victimCookies);
        victimCookies.Add(app.BaseAddress, attackerCookies.GetCookies(app.BaseAddress)["Security.Sample.Session"]!);
        Assert.That(Visits(await victim.GetStringAsync("/")), Is.EqualTo(2), "before the sign-in the planted session is shared");

        await SignInAsync(victim, "admin", "Admin-pass-1");
        Assert.That(Visits(await victim.GetStringAsync("/private")), Is.EqualTo(1));
        Assert.That(Visits(await victim.GetStringAsync("/private")), Is.EqualTo(2));

        Assert.That(Visits(await attacker.GetStringAsync("/")), Is.EqualTo(1), "the planted cookie's session was emptied, the victim's is elsewhere");
    }

    private static string SetCookie(HttpResponseMessage response, string prefix) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) && values.FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal)) is { } cookie
            ? cookie
            : throw new AssertionException($"no Set-Cookie starting with {prefix}");

    private static int Visits(string page) =>
        VisitsLine().Match(page) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;

    [GeneratedRegex("Visits in this session: ([0-9]+)")]
    private static partial Regex VisitsLine();
}

using System.Net;
using System.Text.RegularExpressions;
using Security.IntegrationTests.Browser;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>
/// The sample over real HTTP on Kestrel, as <c>curl -i</c> sees it: the default header set on a
/// page, a 404 and a static file; <c>/account/*</c> confidential; DNT echoed; the favicon served.
/// </summary>
[NonParallelizable]
public partial class SampleHttpTests
{
    private static readonly IReadOnlyList<(string Name, string Value)> Defaults = DefaultSecurityHeaders.All;

    [Test]
    public async Task Defaults_reach_the_home_page_a_404_and_a_static_file()
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);
        await SignInAsync(client, "admin", "Admin-pass-1");

        foreach (var (path, status) in new[] { ("/", HttpStatusCode.OK), ("/no-such-page", HttpStatusCode.NotFound), ("/site.css", HttpStatusCode.OK) })
        {
            using var response = await client.GetAsync(path);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(response.StatusCode, Is.EqualTo(status), path);
                foreach (var (name, value) in Defaults)
                {
                    Assert.That(Header(response, name), Is.EqualTo(value), $"{path} {name}");
                }

                Assert.That(response.Headers.Contains("Server"), Is.False, path + " Server");
                Assert.That(Header(response, "Strict-Transport-Security"), Is.Null, path + ": no HSTS over HTTP");
            }
        }
    }

    // Routing ignores case, so the confidential rule must too: /Account/Login is the same page.
    [TestCase("/account/login", HttpStatusCode.OK)]
    [TestCase("/Account/Login", HttpStatusCode.OK)]
    [TestCase("/ACCOUNT/CHANGE-PASSWORD", HttpStatusCode.Redirect)]
    public async Task Account_pages_are_confidential_in_any_case_and_the_home_page_is_not(string path, HttpStatusCode status)
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);

        using var login = await client.GetAsync(path);
        using var home = await client.GetAsync("/");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(login.StatusCode, Is.EqualTo(status));
            Assert.That(Header(login, "Cache-Control"), Is.EqualTo("no-cache, no-store, max-age=0, must-revalidate"));
            Assert.That(Header(login, "Pragma"), Is.EqualTo("no-cache"));
            Assert.That(Header(login, "Expires"), Is.EqualTo("-1"));
            Assert.That(home.Headers.CacheControl?.NoStore ?? false, Is.False, "/ may be cached");
        }
    }

    [Test]
    public async Task Dnt_is_echoed_because_the_sample_opts_in()
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("DNT", "1");
        using var response = await client.SendAsync(request);
        Assert.That(Header(response, "DNT"), Is.EqualTo("1"));
    }

    [Test]
    public async Task Favicon_is_a_static_file_not_a_trip_to_the_login_page()
    {
        // Browsers fetch /favicon.ico alongside every page. Sent to the login page, that fetch got
        // its own antiforgery cookie, which could overwrite the login form's and fail the sign-in.
        await using var app = new SampleApp();
        using var client = Client(app, out var cookies);
        using var response = await client.GetAsync("/favicon.ico");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/x-icon"));
            Assert.That(cookies.GetAllCookies().Select(c => c.Name), Has.None.StartsWith("Security.Sample.Antiforgery"));
        }
    }

    private static HttpClient Client(SampleApp app, out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        return new HttpClient(handler) { BaseAddress = app.BaseAddress };
    }

    private static async Task SignInAsync(HttpClient client, string username, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var token = AntiforgeryToken().Match(page);
        Assert.That(token.Success, Is.True, "the login form carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        });
        using var response = await client.PostAsync("/account/login", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");
    }

    // The raw value, as sent: HttpClient's parsed view would reorder Cache-Control.
    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*?value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();
}

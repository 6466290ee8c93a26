using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Security.IntegrationTests.Browser;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>
/// The sample in Production over HTTPS, with its http listener on, judged by the MDN HTTP Observatory's scoring
/// rules (<see cref="ObservatoryScorer"/>) on the pages a scanner and a user see: A+, no test failing, and every
/// cookie Secure and HttpOnly. Requests go to a real host name (resolved to 127.0.0.1 by the client), as a deployed
/// site's do: the headers skip HSTS for <c>localhost</c> and <c>127.0.0.1</c>.
/// </summary>
[NonParallelizable]
public sealed partial class ObservatoryScoreTests
{
    private const string Host = "sample.example";

    private static readonly Dictionary<string, string?> Production = new()
    {
        ["Security:Auth:Throttling:UsernameHashKey"] = "sample-observatory-test-secret-0123456789abcdef",
    };

    private static SampleApp _app = null!;
    private static System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = null!;

    [OneTimeSetUp]
    public static void StartSample()
    {
        _certificate = TestCertificate.Create();
        _app = new SampleApp(Production, httpsCertificate: _certificate, environment: "Production", httpListener: true);
    }

    [OneTimeTearDown]
    public static async Task StopSample()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    // The real Observatory 1.4.8 (npm), run once against the sample on ports 443 and 80 of a host name with its
    // certificate trusted, gave "/" A+ with 125 and 10 of 10 tests passed: the same results as this scorer.
    [Test]
    public async Task The_home_page_scores_A_plus()
    {
        using var browser = new Visitor(_app);
        var (_, score) = await AssertAPlusAsync(browser, "/");
        Assert.That(score, Is.EqualTo(125), "what the real Observatory gave");
    }

    [Test]
    public async Task The_login_page_scores_A_plus()
    {
        using var browser = new Visitor(_app);
        await AssertAPlusAsync(browser, "/account/login");
    }

    [Test]
    public async Task A_signed_in_page_scores_A_plus()
    {
        using var browser = new Visitor(_app);
        await browser.SignInAsync("admin", "Admin-pass-1");
        var (site, _) = await AssertAPlusAsync(browser, "/private");
        Assert.That(site.Html, Does.Contain("Sign out"), "the page is the signed-in one");
    }

    [Test]
    public async Task Every_cookie_of_a_visit_and_a_sign_in_is_Secure_and_HttpOnly()
    {
        using var browser = new Visitor(_app);
        await browser.GetAsync("/");
        await browser.SignInAsync("admin", "Admin-pass-1");
        await browser.GetAsync("/private");

        Assert.That(browser.SetCookies.Select(c => c[..c.IndexOf('=')]), Has.Some.EqualTo("__Host-Security.Sample.Auth"), "signed in");
        Assert.Multiple(() =>
        {
            foreach (var cookie in browser.SetCookies)
            {
                Assert.That(cookie.ToLowerInvariant(), Does.Contain("; secure").And.Contain("; httponly"), cookie);
            }
        });
    }

    [Test]
    public void The_scorer_fails_a_site_without_the_headers()
    {
        // The scorer itself, on what a bare app sends: no CSP, no HSTS, no X-Frame-Options, no redirect.
        var bare = new ObservatorySite(
            new Uri("https://bare.example/"),
            new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = ["text/html"] },
            "<html><script src=\"http://cdn.example/x.js\"></script></html>",
            ["session=1; path=/"],
            (200, null),
            new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase),
            null,
            null);

        var score = ObservatoryScorer.Score(bare);

        Assert.That(score.Score, Is.Zero, score.ToString());
        Assert.That(score.Grade, Is.EqualTo("F"));
        Assert.That(score.Tests.Where(t => !t.Passed).Select(t => t.Result), Is.EquivalentTo(new[]
        {
            "csp-not-implemented", "cookies-session-without-secure-flag", "redirection-missing", "hsts-not-implemented",
            "sri-not-implemented-and-external-scripts-not-loaded-securely", "x-content-type-options-not-implemented",
            "x-frame-options-not-implemented",
        }));
    }

    private static async Task<(ObservatorySite Site, int Score)> AssertAPlusAsync(Visitor browser, string path)
    {
        var site = await browser.ObserveAsync(path);
        var score = ObservatoryScorer.Score(site);
        await TestContext.Out.WriteLineAsync($"{path}: {score}");
        Assert.That(score.Tests.Where(t => !t.Passed), Is.Empty, score.ToString());
        Assert.That(score.Grade, Is.EqualTo("A+"), score.ToString());
        return (site, score.Score);
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*?value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();

    /// <summary>A client of the sample at <see cref="Host"/>: keeps cookies, follows no redirect by itself, records every Set-Cookie.</summary>
    private sealed class Visitor : IDisposable
    {
        private readonly CookieContainer _jar = new();
        private readonly HttpClient _client;
        private readonly Uri _https;
        private readonly Uri _http;

        public Visitor(SampleApp app)
        {
            _https = new UriBuilder(app.BaseAddress) { Host = Host }.Uri;
            _http = new UriBuilder(app.HttpAddress) { Host = Host }.Uri;
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = async (context, token) =>
                {
                    // The host name resolves to the app on loopback, whatever DNS says.
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, token);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
            _client = new HttpClient(handler);
        }

        public List<string> SetCookies { get; } = [];

        public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            var cookies = _jar.GetCookieHeader(request.RequestUri!);
            if (cookies.Length > 0)
            {
                request.Headers.Add("Cookie", cookies);
            }

            var response = await _client.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    SetCookies.Add(value);
                    _jar.SetCookies(request.RequestUri!, value);
                }
            }

            return response;
        }

        public async Task<HttpResponseMessage> GetAsync(string path, string? origin = null, bool http = false)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(http ? _http : _https, path));
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return await SendAsync(request);
        }

        public async Task SignInAsync(string username, string password)
        {
            using var form = await GetAsync("/account/login");
            var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value);
            using var login = new HttpRequestMessage(HttpMethod.Post, new Uri(_https, "/account/login"))
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["username"] = username,
                    ["password"] = password,
                    ["__RequestVerificationToken"] = token,
                }),
            };
            using var response = await SendAsync(login);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");
        }

        /// <summary>What the Observatory fetches for one page: the page (following same-site redirects), its http address, a CORS probe, the Flash and Silverlight policy files.</summary>
        public async Task<ObservatorySite> ObserveAsync(string path)
        {
            var cookiesBefore = SetCookies.Count;
            var url = new Uri(_https, path);
            HttpResponseMessage page;
            for (var hops = 0; ; hops++)
            {
                page = await GetAsync(url.PathAndQuery);
                if ((int)page.StatusCode is not (301 or 302 or 303 or 307 or 308) || hops == 5)
                {
                    break;
                }

                url = new Uri(url, page.Headers.Location!);
                Assert.That(url.Host, Is.EqualTo(Host), "redirected within the site");
                page.Dispose();
            }

            using (page)
            {
                Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), url.ToString());
                var html = page.Content.Headers.ContentType?.MediaType == "text/html" ? await page.Content.ReadAsStringAsync() : null;
                using var http = await GetAsync(path, http: true);
                using var cors = await GetAsync(path, origin: "https://http-observatory.security.mozilla.org");
                return new ObservatorySite(
                    url,
                    Headers(page),
                    html,
                    SetCookies.Skip(cookiesBefore).ToList(),
                    ((int)http.StatusCode, http.Headers.Location),
                    Headers(cors),
                    await BodyIfFoundAsync("/crossdomain.xml"),
                    await BodyIfFoundAsync("/clientaccesspolicy.xml"));
            }
        }

        public void Dispose() => _client.Dispose();

        private static Dictionary<string, string[]> Headers(HttpResponseMessage response) =>
            response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
                .ToDictionary(h => h.Key, h => h.Value.ToArray(), StringComparer.OrdinalIgnoreCase);

        private async Task<string?> BodyIfFoundAsync(string path)
        {
            using var response = await GetAsync(path);
            return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : null;
        }
    }
}

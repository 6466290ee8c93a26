using System.Net;
using System.Text.RegularExpressions;
using Security.IntegrationTests.Browser;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>
/// The sample in Production, over HTTPS and over plain http on Kestrel: every cookie it writes (antiforgery, auth,
/// session) is Secure, HttpOnly and SameSite=Lax, and carries the <c>__Host-</c> prefix; plain http is redirected.
/// </summary>
[NonParallelizable]
public sealed partial class SampleCookieTests
{
    private static readonly Dictionary<string, string?> Production = new()
    {
        ["Security:Auth:Throttling:UsernameHashKey"] = "sample-cookie-test-secret-0123456789abcdef",
    };

    [TestCase(true)]
    [TestCase(false)]
    public async Task Every_cookie_of_a_sign_in_in_Production_is_Secure_HttpOnly_and_Lax(bool https)
    {
        using var certificate = https ? TestCertificate.Create() : null;
        await using var app = new SampleApp(Production, httpsCertificate: certificate, environment: "Production");
        var setCookies = new List<string>();
        using var client = new HttpClient(new RecordingHandler(setCookies)
        {
            InnerHandler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            },
        }) { BaseAddress = app.BaseAddress };

        var page = await client.GetStringAsync("/account/login");
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        var antiforgery = setCookies.Single(c => c.Contains("Antiforgery", StringComparison.Ordinal));
        using var login = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = "admin",
                ["password"] = "Admin-pass-1",
                ["__RequestVerificationToken"] = token,
            }),
        };
        login.Headers.Add("Cookie", antiforgery[..antiforgery.IndexOf(';')]);
        using var response = await client.SendAsync(login);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");
        Assert.That(setCookies.Select(c => c[..c.IndexOf('=')]), Has.Some.EqualTo("__Host-Security.Sample.Auth"));
        Assert.Multiple(() =>
        {
            foreach (var cookie in setCookies)
            {
                var flags = cookie.ToLowerInvariant();
                Assert.That(flags, Does.Contain("; secure"), cookie);
                Assert.That(flags, Does.Contain("; httponly"), cookie);
                Assert.That(flags, Does.Contain("samesite=lax").Or.Contain("samesite=strict"), cookie);
                Assert.That(cookie, Does.StartWith("__Host-"), cookie);
            }
        });
    }

    [Test]
    public async Task Plain_http_in_Production_is_redirected_to_https_with_the_security_headers()
    {
        await using var app = new SampleApp(new Dictionary<string, string?>(Production) { ["https_port"] = "8443" }, environment: "Production");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync("/account/login?x=1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
        Assert.That(response.Headers.Location, Is.EqualTo(new Uri("https://127.0.0.1:8443/account/login?x=1")));
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False, "nothing is issued over http");
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*?value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();

    private sealed class RecordingHandler(List<string> setCookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                setCookies.AddRange(values);
            }

            return response;
        }
    }
}

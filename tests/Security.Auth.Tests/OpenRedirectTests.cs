using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth.Tests;

/// <summary>
/// No request path, however crafted, makes the login redirect (or the return value the login page
/// will redirect to after sign-in) leave the site. The redirect is the cookie handler's: an absolute URL on the
/// host the request named (as a relative one would resolve in the browser), whose <c>ReturnUrl</c> login-required
/// has made local.
/// </summary>
public sealed class OpenRedirectTests
{
    private static readonly Uri Site = new("http://localhost/");
    private AuthTestApp _app = null!;

    /// <summary>Decoded request paths, as the server hands them to the app.</summary>
    public static readonly string[] RawPaths =
    [
        "//evil.example",
        "///evil.example",
        "////evil.example/path",
        "/\\evil.example",
        "/\\\\evil.example",
        "/\\/evil.example",
        "//\\evil.example",
        "/\t/evil.example",
        "/\t\\evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\r/evil.example",
        "/ /evil.example",
        "/\u0000/evil.example",
        "/\u0001//evil.example",
        "/\u001f/evil.example",
        "/\u007f/evil.example",
        "/\u00a0/evil.example",
        "/\u3000/evil.example",
        "/https://evil.example",
        "/HtTpS://evil.example",
        "/http:\\\\evil.example",
        "/javascript:alert(1)",
        "/%2F%2Fevil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "/%5c%5cevil.example",
        "/%09/evil.example",
        "/%252F%252Fevil.example",
        "/\uff0f\uff0fevil.example",
        "/@evil.example",
        "/.evil.example",
        "/..//evil.example",
        "/\\t/evil.example",
        "/x/../../evil.example",
        "/\ud800/evil.example",
        "/\udc00\ud800//evil.example",
        "/caf\u00e9/\ud83d\ude00",
    ];

    /// <summary>Request URLs sent through HttpClient and the server's own path decoding.</summary>
    public static readonly string[] RequestUrls =
    [
        "http://localhost//evil.example",
        "http://localhost/%2F%2Fevil.example",
        "http://localhost/%2F/evil.example",
        "http://localhost/%5Cevil.example",
        "http://localhost/%5C%5Cevil.example",
        "http://localhost/%09/evil.example",
        "http://localhost/%0D%0A/evil.example",
        "http://localhost/%E3%80%80/evil.example",
        "http://localhost/?ReturnUrl=//evil.example",
        "http://localhost/home?%0d%0aLocation:%20https://evil.example",
    ];

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _app = await AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder);
                builder.Services.AddLoginRequired();
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.MapFallback(() => "page");
            });

    [OneTimeTearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [TestCaseSource(nameof(RawPaths))]
    public async Task Crafted_path_never_produces_a_redirect_off_the_site(string path)
    {
        var context = await _app.Server.SendAsync(c => c.Request.Path = path);
        AssertStaysOnSite(context.Response.StatusCode, context.Response.Headers.Location.ToString(), "localhost");
    }

    [TestCaseSource(nameof(RawPaths))]
    public async Task Crafted_path_with_a_hostile_host_header_never_produces_a_redirect_off_the_site(string path)
    {
        var context = await _app.Server.SendAsync(c =>
        {
            c.Request.Host = new HostString("evil.example");
            c.Request.Path = path;
            c.Request.QueryString = new QueryString("?ReturnUrl=https://evil.example");
        });
        // The client named that host itself: the browser would send it there with a relative Location too.
        AssertStaysOnSite(context.Response.StatusCode, context.Response.Headers.Location.ToString(), "evil.example");
    }

    [TestCaseSource(nameof(RequestUrls))]
    public async Task Crafted_request_url_never_produces_a_redirect_off_the_site(string url)
    {
        using var response = await _app.Client.GetAsync(new Uri(url));
        AssertStaysOnSite((int)response.StatusCode, response.Headers.Location!.OriginalString, "localhost");
    }

    private static void AssertStaysOnSite(int status, string location, string requestHost)
    {
        Assert.That(status, Is.EqualTo(302));
        Assert.That(location, Does.StartWith("http://" + requestHost + "/accounts/login/?ReturnUrl=%2F"));
        Assert.That(location.Any(char.IsControl), Is.False, $"Location '{location}' has a control character");
        Assert.That(new Uri(location).Host, Is.EqualTo(requestHost), "Location");

        var query = QueryHelpers.ParseQuery(location[location.IndexOf('?', StringComparison.Ordinal)..]);
        Assert.That(query.Keys, Is.EquivalentTo(new[] { "ReturnUrl" }), "one return parameter only");
        var next = query["ReturnUrl"].ToString();
        AssertLocal(next, "return value");
    }

    // What a browser (and Url.IsLocalUrl) would do with the value: it must stay a path on this site.
    private static void AssertLocal(string value, string what)
    {
        Assert.That(value, Does.StartWith("/"), what);
        Assert.That(value.Length == 1 || (value[1] != '/' && value[1] != '\\'), Is.True, $"{what} '{value}' starts like a network path");
        Assert.That(value.Any(char.IsControl), Is.False, $"{what} '{value}' has a control character");
        // Browsers drop tabs and newlines anywhere and read '\' as '/' in http URLs.
        var browser = value.Replace("\t", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal)
            .Replace("\r", "", StringComparison.Ordinal).Replace('\\', '/');
        Assert.That(browser.Length == 1 || browser[1] != '/', Is.True, $"{what} '{value}' reads as a network path in a browser");
        Assert.That(new Uri(Site, browser).Host, Is.EqualTo("localhost"), what);
    }
}

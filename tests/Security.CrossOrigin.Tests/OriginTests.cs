using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Security.CrossOrigin.Internal;

namespace Security.CrossOrigin.Tests;

/// <summary>The Origin fallback (no Sec-Fetch-Site), the request's own origin after forwarded headers, and trusted origins.</summary>
public class OriginTests
{
    [TestCase("http://example.com", "http", "example.com", true)]
    [TestCase("http://example.com", "http", "example.com:80", true)]
    [TestCase("http://example.com:80", "http", "example.com", true)]
    [TestCase("https://example.com", "https", "example.com:443", true)]
    [TestCase("HTTPS://EXAMPLE.com", "https", "example.COM", true)]
    [TestCase("http://example.com:8080", "http", "example.com:8080", true)]
    [TestCase("http://[::1]:5000", "http", "[::1]:5000", true)]
    [TestCase("http://[::1]", "http", "[::1]:80", true)]
    [TestCase("http://example.com:8080", "http", "example.com", false)]
    [TestCase("http://example.com", "http", "example.com:8080", false)]
    [TestCase("https://example.com", "http", "example.com", false)]
    [TestCase("http://example.com", "https", "example.com", false)]
    [TestCase("http://[::1]:5000", "http", "[::1]:5001", false)]
    [TestCase("http://[::1]:5000", "http", "[::2]:5000", false)]
    [TestCase("http://[::1]:5000", "http", "127.0.0.1:5000", false)]
    [TestCase("http://[::1", "http", "[::1", false)]
    [TestCase("http://example.com.evil", "http", "example.com", false)]
    [TestCase("http://example.com/", "http", "example.com", false)]
    [TestCase("http://user@example.com", "http", "example.com", false)]
    [TestCase("http://example.com:0", "http", "example.com:0", false)]
    [TestCase("http://example.com:99999", "http", "example.com:99999", false)]
    [TestCase("http://example.com:+80", "http", "example.com", false)]
    [TestCase("http://", "http", "", false)]
    [TestCase("example.com", "http", "example.com", false)]
    [TestCase("ftp://example.com", "ftp", "example.com", false)]
    public void Origin_is_compared_by_scheme_host_and_port(string origin, string scheme, string host, bool same)
    {
        Assert.That(RequestOrigin.IsSame(origin, scheme, host), Is.EqualTo(same));
    }

    [Test]
    public async Task Origin_is_compared_with_the_public_origin_the_forwarded_headers_give()
    {
        await using var host = await CrossOriginHost.StartAsync(before: app =>
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            forwarded.AllowedHosts.Add("shop.example");
            app.UseForwardedHeaders(forwarded);
        });
        (string, string)[] proxy = [("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "shop.example")];

        using var publicOrigin = await host.SendAsync("POST", "/api/orders", [("Origin", "https://shop.example"), .. proxy]);
        using var innerOrigin = await host.SendAsync("POST", "/api/orders", [("Origin", "http://localhost"), .. proxy]);

        Assert.Multiple(() =>
        {
            Assert.That(publicOrigin.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(innerOrigin.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the app is served as https://shop.example, not http://localhost");
        });
    }

    [Test]
    public async Task Trusted_origin_passes_with_and_without_Sec_Fetch_Site_and_others_do_not()
    {
        await using var host = await CrossOriginHost.StartAsync(o => o.TrustedOrigins.Add("https://App.example:443"));

        using var fetchMetadata = await host.SendAsync("POST", "/api/orders", ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://app.example"));
        using var originOnly = await host.SendAsync("POST", "/api/orders", ("Origin", "https://APP.example"));
        using var otherPort = await host.SendAsync("POST", "/api/orders", ("Origin", "https://app.example:8443"));
        using var otherScheme = await host.SendAsync("POST", "/api/orders", ("Origin", "http://app.example"));
        using var subdomain = await host.SendAsync("POST", "/api/orders", ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.app.example"));

        Assert.Multiple(() =>
        {
            Assert.That(fetchMetadata.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(originOnly.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(otherPort.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(otherScheme.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(subdomain.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Trusted_origins_bind_from_configuration()
    {
        await using var host = await CrossOriginHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Security:CrossOrigin:TrustedOrigins:0"] = "http://localhost:5173",
        });

        using var response = await host.SendAsync("POST", "/api/orders", ("Sec-Fetch-Site", "same-site"), ("Origin", "http://localhost:5173"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Same_site_post_passes_when_the_option_allows_it()
    {
        await using var host = await CrossOriginHost.StartAsync(o => o.AllowSameSite = true);

        using var sameSite = await host.SendAsync("POST", "/api/orders", Browser.SameSiteFormPost);
        using var crossSite = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteFormPost);

        Assert.Multiple(() =>
        {
            Assert.That(sameSite.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(crossSite.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Testing;

namespace Security.Headers.Tests;

/// <summary>
/// <c>AddSecureCookies()</c>: every cookie the app and the framework write gets <c>Secure</c>, <c>HttpOnly</c> and
/// at least <c>SameSite=Lax</c> through ASP.NET Core's cookie policy, whatever the code that wrote it asked for.
/// </summary>
public sealed class SecureCookiesTests
{
    private static Task<TestApp> StartAsync(string environment, Action<SecureCookieOptions>? configure = null, string baseAddress = "https://app.example/") =>
        TestHost.StartAsync(
            services =>
            {
                services.AddSecurityHeaders().AddSecureCookies(configure);
                services.AddDistributedMemoryCache();
                services.AddSession();
            },
            app =>
            {
                app.UseSecurityHeaders();
                app.UseSession();
                app.MapGet("/cookies", (HttpContext c) =>
                {
                    // What careless code writes: no flags at all, SameSite=None, and one asking for Strict.
                    c.Response.Cookies.Append("plain", "1");
                    c.Response.Cookies.Append("careless", "1", new CookieOptions { Secure = false, HttpOnly = false, SameSite = SameSiteMode.None });
                    c.Response.Cookies.Append("strict", "1", new CookieOptions { SameSite = SameSiteMode.Strict });
                    c.Response.Cookies.Append("XSRF-TOKEN", "1");
                    c.Response.Cookies.Append(".AspNetCore.Correlation.abc", "1", new CookieOptions { SameSite = SameSiteMode.None, Secure = true });
                    c.Session.SetString("k", "v");
                    return "ok";
                });
            },
            environment: environment,
            configureBuilder: builder => builder.WebHost.UseSetting("urls", baseAddress));

    private static async Task<Dictionary<string, string>> SetCookiesAsync(TestApp app, string url)
    {
        using var response = await app.Client.GetAsync(url);
        return response.Headers.GetValues("Set-Cookie").ToDictionary(c => c[..c.IndexOf('=')], c => c.ToLowerInvariant());
    }

    [TestCase("https://app.example/cookies")]
    [TestCase("http://app.example/cookies")]
    public async Task Outside_Development_every_cookie_is_Secure_and_HttpOnly_and_at_least_Lax(string url)
    {
        await using var app = await StartAsync("Production", o => o.ScriptReadable.Add("XSRF-TOKEN"));
        var cookies = await SetCookiesAsync(app, url);

        Assert.Multiple(() =>
        {
            foreach (var name in new[] { "plain", "careless", "strict", ".AspNetCore.Session" })
            {
                Assert.That(cookies[name], Does.Contain("; secure"), name);
                Assert.That(cookies[name], Does.Contain("; httponly"), name);
            }

            Assert.That(cookies["plain"], Does.Contain("samesite=lax"));
            Assert.That(cookies["careless"], Does.Contain("samesite=lax"), "None is raised to Lax");
            Assert.That(cookies["strict"], Does.Contain("samesite=strict"), "a stricter choice is kept");
            Assert.That(cookies["XSRF-TOKEN"], Does.Contain("; secure").And.Not.Contain("httponly"), "listed as script-readable");
            Assert.That(cookies[".AspNetCore.Correlation.abc"], Does.Contain("samesite=none"), "external sign-in's cross-site cookie");
        });
    }

    [Test]
    public async Task In_Development_cookies_over_http_are_not_Secure_but_still_HttpOnly()
    {
        await using var app = await StartAsync("Development");
        var cookies = await SetCookiesAsync(app, "http://localhost/cookies");

        Assert.That(cookies["plain"], Does.Not.Contain("; secure"));
        Assert.That(cookies["plain"], Does.Contain("; httponly"));
        var secure = await SetCookiesAsync(app, "https://localhost/cookies");
        Assert.That(secure["plain"], Does.Contain("; secure"), "https in Development is Secure too");
    }

    [Test]
    public void Empty_names_fail_at_startup_naming_the_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("Production", o =>
        {
            o.ScriptReadable.Add(" ");
            o.CrossSite.Add("");
        }));
        Assert.That(error!.Message, Does.Contain("Security:Headers:Cookies:ScriptReadable[0]").And.Contain("Security:Headers:Cookies:CrossSite[2]"));
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Security.CrossOrigin.Tests;

/// <summary>The attacker's requests: each must be refused (or, for the non-browser cases, pass for a stated reason).</summary>
public class CrossOriginBypassTests
{
    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("PATCH")]
    [TestCase("DELETE")]
    [TestCase("PROPFIND")]
    [TestCase("post")]
    public async Task Cross_site_form_post_with_an_unsafe_method_is_refused(string method)
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync(method, "/api/orders", Browser.CrossSiteFormPost);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Cross_site_fetch_in_no_cors_mode_is_refused()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteNoCorsFetch);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Same_site_post_from_a_sibling_subdomain_is_refused_by_default()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", Browser.SameSiteFormPost);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("cross-site ")]
    [TestCase("Cross-Site")]
    [TestCase("same-origin, cross-site")]
    [TestCase("whatever")]
    public async Task Post_with_a_Sec_Fetch_Site_no_browser_sends_is_refused(string value)
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", ("Sec-Fetch-Site", value), ("Content-Type", "text/plain"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("Sec-Fetch-Site")]
    [TestCase("Origin")]
    public async Task Post_with_an_empty_header_is_refused(string header)
    {
        await using var host = await CrossOriginHost.StartAsync();

        // HttpClient drops empty header values: set it on the server's own request.
        var context = await host.SendRawAsync(c =>
        {
            c.Request.Method = "POST";
            c.Request.Path = "/api/orders";
            c.Request.Headers[header] = "";
        });

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status403Forbidden));
    }

    [Test]
    public async Task Post_with_two_Sec_Fetch_Site_headers_is_refused_even_if_one_says_same_origin()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Site", "cross-site"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Post_with_Origin_null_and_no_Sec_Fetch_Site_is_refused()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", ("Origin", "null"), ("Content-Type", "application/x-www-form-urlencoded"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("http://evil.example")]
    [TestCase("http://localhost:8080")]
    [TestCase("https://localhost")]
    [TestCase("http://localhost.evil.example")]
    [TestCase("http://evil.example/http://localhost")]
    [TestCase("http://[::1]")]
    [TestCase("http://localhost:80@evil.example")]
    [TestCase("http://localhost, http://evil.example")]
    public async Task Post_from_another_origin_without_Sec_Fetch_Site_is_refused(string origin)
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", ("Origin", origin));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the app's own origin is http://localhost");
    }

    [Test]
    public async Task Method_override_header_cannot_turn_a_cross_site_post_into_a_safe_method()
    {
        // UseHttpMethodOverride before the protection rewrites the POST to GET before it is checked.
        await using var host = await CrossOriginHost.StartAsync(before: app => app.UseHttpMethodOverride());

        using var response = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteNoCorsFetch.With(("X-HTTP-Method-Override", "GET")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Method_override_form_field_cannot_turn_a_cross_site_form_post_into_a_safe_method()
    {
        await using var host = await CrossOriginHost.StartAsync(
            before: app => app.UseHttpMethodOverride(new HttpMethodOverrideOptions { FormFieldName = "_method" }));

        // The form body carries _method=GET.
        using var response = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteFormPost);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Method_override_header_after_the_protection_is_checked_as_the_post_it_is()
    {
        await using var host = await CrossOriginHost.StartAsync(endpoints: app =>
        {
            app.UseHttpMethodOverride();
            app.Map("/api/orders", (HttpContext c) => c.Request.Method);
        });

        using var response = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteNoCorsFetch.With(("X-HTTP-Method-Override", "DELETE")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("GET")]
    [TestCase("HEAD")]
    [TestCase("OPTIONS")]
    public async Task Cross_site_safe_method_passes_in_the_default_mode(string method)
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync(method, "/api/orders", Browser.CrossSiteScript);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Cross_site_GET_with_a_method_override_header_is_checked_as_unsafe()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("GET", "/api/orders", Browser.CrossSiteScript.With(("X-HTTP-Method", "DELETE")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Forged_Sec_Fetch_Site_same_origin_from_a_non_browser_passes()
    {
        // Fine: page scripts cannot set Sec-* headers (forbidden header names), so only a client the attacker runs
        // himself can forge it, and that client holds none of the victim's cookies: there is no one to forge for.
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", ("Sec-Fetch-Site", "same-origin"), ("Origin", "http://evil.example"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Post_with_neither_Sec_Fetch_Site_nor_Origin_passes_as_a_non_browser_client()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", "/api/orders", ("Content-Type", "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task AllowCrossOrigin_on_one_endpoint_does_not_open_its_neighbours()
    {
        await using var host = await CrossOriginHost.StartAsync(endpoints: app =>
        {
            app.MapPost("/hooks/{provider}", (string provider) => provider).AllowCrossOrigin();
            app.MapPost("/hooks/{provider}/admin", (string provider) => "admin");
        });

        using var open = await host.SendAsync("POST", "/hooks/stripe", Browser.CrossSiteFormPost);
        using var neighbour = await host.SendAsync("POST", "/hooks/stripe/admin", Browser.CrossSiteFormPost);
        using var unrouted = await host.SendAsync("POST", "/hooks/stripe/x/y", Browser.CrossSiteFormPost);

        Assert.Multiple(() =>
        {
            Assert.That(open.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(neighbour.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(unrouted.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "no endpoint: not exempt");
        });
    }

    // Each spelling is sent twice: same-origin (passes the protection) to learn which endpoint routing picks, then
    // cross-site; the exemption must hold exactly when routing picked the exempt endpoint.
    [TestCase("/hooks/stripe")]
    [TestCase("/HOOKS/Stripe")]
    [TestCase("/hooks/stripe/")]
    [TestCase("//hooks/stripe")]
    [TestCase("/hooks//stripe")]
    [TestCase("/hooks%2Fstripe")]
    [TestCase("/hooks/%73tripe")]
    [TestCase("/hooks/stripe%2F..%2Fadmin")]
    [TestCase("/hooks/stripe/../admin")]
    [TestCase("/hooks/./stripe")]
    [TestCase("/hooks/stripe-admin")]
    [TestCase("/hooks/stripe/admin")]
    [TestCase("/hooks/stripe;x")]
    [TestCase("/hooks/stripe?x=/admin")]
    [TestCase("/hooks/stripe%20")]
    public async Task Exempt_path_option_exempts_exactly_the_spellings_routing_sends_to_the_exempt_endpoint(string path)
    {
        await using var host = await CrossOriginHost.StartAsync(
            o => o.ExemptPaths.Add("hooks/stripe/?$"),
            endpoints: app =>
            {
                app.MapPost("/hooks/stripe", () => "stripe");
                app.MapPost("/hooks/stripe-admin", () => "stripe-admin");
                app.MapPost("/hooks/stripe/admin", () => "stripe/admin");
                app.MapPost("/admin", () => "admin");
                app.MapPost("/{**rest}", (string? rest) => "fallback");
            });

        using var routed = await host.SendAsync("POST", path, Browser.SameOriginFetch);
        var endpoint = routed.IsSuccessStatusCode ? await routed.Content.ReadAsStringAsync() : ((int)routed.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var attack = await host.SendAsync("POST", path, Browser.CrossSiteFormPost);

        var expected = endpoint == "stripe" ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
        Assert.That(attack.StatusCode, Is.EqualTo(expected), $"routing sent {path} to '{endpoint}'");
    }

    [TestCase("/", "http://localhost")]
    [TestCase("/", "http://LOCALHOST")]
    [TestCase("/", "http://localhost:80")]
    public async Task Post_without_Sec_Fetch_Site_from_the_apps_own_origin_passes(string path, string origin)
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var response = await host.SendAsync("POST", path, ("Origin", origin), ("Content-Type", "application/x-www-form-urlencoded"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Refusals_are_counted_and_logged_with_their_reason()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var _ = await host.SendAsync("POST", "/api/orders?token=secret", Browser.CrossSiteFormPost);

        var measurement = host.Refused.GetMeasurementSnapshot().Single();
        var log = host.Logs.GetSnapshot().Single(r => r.Id.Id == 7001);
        Assert.Multiple(() =>
        {
            Assert.That(measurement.Value, Is.EqualTo(1));
            Assert.That(measurement.Tags["reason"], Is.EqualTo("cross-site"));
            Assert.That(log.Message, Does.Contain("(cross-site): POST /api/orders,"));
            Assert.That(log.Message, Does.Contain("Origin 'http://evil.example'"));
            Assert.That(log.Message, Does.Not.Contain("secret"), "no query string in logs");
        });
    }

    [Test]
    public async Task Control_characters_in_the_Origin_do_not_forge_log_lines()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var _ = await host.SendAsync("POST", "/api/orders", ("Origin", "http://evil.example\u001b[31m"));

        var log = host.Logs.GetSnapshot().Single(r => r.Id.Id == 7001);
        Assert.That(log.Message, Does.Contain("http://evil.example\\u001B[31m"));
    }
}

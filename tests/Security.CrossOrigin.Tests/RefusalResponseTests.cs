using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Security.CrossOrigin.Tests;

/// <summary>What a refused request gets back: 403, a problem details body saying why, not cacheable.</summary>
public class RefusalResponseTests
{
    [TestCase("cross-site")]
    [TestCase("null-origin")]
    public async Task Refusal_is_a_403_problem_details_body_naming_the_reason(string reason)
    {
        await using var host = await CrossOriginHost.StartAsync();
        (string, string)[] headers = reason == "cross-site" ? Browser.CrossSiteFormPost : [("Origin", "null")];

        using var response = await host.SendAsync("POST", "/api/orders", headers);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(body.RootElement.GetProperty("status").GetInt32(), Is.EqualTo(403));
            Assert.That(body.RootElement.GetProperty("title").GetString(), Is.EqualTo("Cross-origin request refused"));
            Assert.That(body.RootElement.GetProperty("reason").GetString(), Is.EqualTo(reason));
            Assert.That(body.RootElement.GetProperty("detail").GetString(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Refusal_goes_through_the_apps_problem_details_service_when_registered()
    {
        await using var host = await CrossOriginHost.StartAsync(services: s => s.AddProblemDetails(o =>
            o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["app"] = "customized"));

        using var response = await host.SendAsync("POST", "/api/orders", Browser.CrossSiteFormPost);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(body.RootElement.GetProperty("app").GetString(), Is.EqualTo("customized"));
            Assert.That(body.RootElement.GetProperty("reason").GetString(), Is.EqualTo("cross-site"));
            Assert.That(body.RootElement.GetProperty("traceId").GetString(), Is.Not.Empty);
        });
    }

    [Test]
    public async Task Passing_requests_are_neither_counted_nor_logged()
    {
        await using var host = await CrossOriginHost.StartAsync();

        using var _ = await host.SendAsync("POST", "/api/orders", Browser.SameOriginFetch);

        Assert.Multiple(() =>
        {
            Assert.That(host.Refused.GetMeasurementSnapshot(), Is.Empty);
            Assert.That(host.Logs.GetSnapshot().Where(r => r.Id.Id == 7001), Is.Empty);
        });
    }
}

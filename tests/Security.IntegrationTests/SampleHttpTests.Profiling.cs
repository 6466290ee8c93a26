using System.Net;
using Security.IntegrationTests.Browser;

namespace Security.IntegrationTests;

/// <summary>The sample's profiling in Development: a local caller's profile of a page, with top functions and SQL.</summary>
public partial class SampleHttpTests
{
    [Test]
    public async Task Profile_of_the_private_page_shows_its_top_functions_and_its_sql()
    {
        await using var app = new SampleApp();
        using var client = Client(app, out _);
        await SignInAsync(client, "admin", "Admin-pass-1");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/private");
        request.Headers.Add("X-Profile", "1");
        using var response = await client.SendAsync(request);
        var profiles = await client.GetStringAsync("/_profiles");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Header(response, "Server-Timing"), Does.StartWith("total;dur="));
            Assert.That(profiles, Does.Contain("GET /private"));
            Assert.That(profiles, Does.Contain("Top functions by inclusive samples").And.Contain("Top functions by exclusive samples:"));
            Assert.That(profiles, Does.Contain("SQL (1 query,").And.Contain("FROM &quot;AspNetUsers&quot;"));
        }
    }
}

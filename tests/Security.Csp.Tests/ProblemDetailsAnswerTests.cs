using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// The 4xx answers of the report endpoint and the dashboard are problem details through the app's
/// <c>IProblemDetailsService</c> when it has one (<c>AddProblemDetails()</c>), and plain text without it.
/// </summary>
public sealed class ProblemDetailsAnswerTests
{
    private static Task<TestApp> StartAsync(bool problemDetails, string remoteAddress = "127.0.0.1") =>
        CspTestHost.StartAsync(
            s =>
            {
                if (problemDetails)
                {
                    s.AddProblemDetails();
                }

                s.AddSecurityCsp(o => o.UsePolicy(p => p.DefaultSrc().Self()));
            },
            a =>
            {
                a.Use((context, next) =>
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(remoteAddress);
                    return next(context);
                });
                a.MapCspReports("/csp-report");
                a.MapCspReportDashboard("/csp-dashboard");
            });

    private static async Task<HttpResponseMessage> PostAsync(TestApp app, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await app.Client.PostAsync("/csp-report", content);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(status));
        return problem;
    }

    [Test]
    public async Task Report_with_the_wrong_content_type_is_a_415_problem()
    {
        await using var app = await StartAsync(problemDetails: true);

        using var response = await PostAsync(app, CspReportTestHost.LegacyReport, "text/plain");

        var problem = await ProblemAsync(response, 415);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("unsupported content type"));
    }

    [Test]
    public async Task Report_that_is_not_json_is_a_400_problem()
    {
        await using var app = await StartAsync(problemDetails: true);

        using var response = await PostAsync(app, "{not json", "application/csp-report");

        await ProblemAsync(response, 400);
    }

    [Test]
    public async Task Get_of_the_report_endpoint_is_a_405_problem_naming_POST()
    {
        await using var app = await StartAsync(problemDetails: true);

        using var response = await app.Client.GetAsync("/csp-report");

        await ProblemAsync(response, 405);
        Assert.That(response.Content.Headers.Allow, Is.EqualTo(new[] { "POST" }));
    }

    [Test]
    public async Task Without_problem_details_a_refused_report_is_plain_text()
    {
        await using var app = await StartAsync(problemDetails: false);

        using var response = await PostAsync(app, CspReportTestHost.LegacyReport, "text/plain");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("unsupported content type"));
    }

    [Test]
    public async Task Dashboard_query_with_a_bad_number_is_a_400_problem_naming_it()
    {
        await using var app = await StartAsync(problemDetails: true);

        using var response = await app.Client.GetAsync("/csp-dashboard?hours=abc");

        var problem = await ProblemAsync(response, 400);
        Assert.That(problem.GetProperty("detail").GetString(), Does.StartWith("hours must be a whole number"));
    }

    [Test]
    public async Task Dashboard_refuses_a_remote_caller_with_a_403_problem()
    {
        await using var app = await StartAsync(problemDetails: true, remoteAddress: "203.0.113.9");

        using var response = await app.Client.GetAsync("/csp-dashboard");

        await ProblemAsync(response, 403);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
    }
}

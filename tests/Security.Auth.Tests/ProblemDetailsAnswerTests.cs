using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth.Tests;

/// <summary>
/// The 4xx answers Security.Auth writes itself are problem details through the app's <c>IProblemDetailsService</c>
/// when it has one (<c>AddProblemDetails()</c>), and plain text without it.
/// </summary>
public sealed class ProblemDetailsAnswerTests
{
    private static Task<AuthTestApp> StartAsync(bool problemDetails) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                if (problemDetails)
                {
                    builder.Services.AddProblemDetails();
                }

                builder.Services.AddControllers().AddApplicationPart(typeof(RequireAjaxTests).Assembly);
                AuthTestApp.AddCookieAuth(builder);
                builder.Services.AddLoginRequired();
            },
            app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UseAuthorization();
                app.MapGet("/api/ping", () => "pong").RequireAjax().AllowAnonymous();
                app.MapControllers().AllowAnonymous();
                app.MapFallback(() => "page");
            });

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [TestCase("/api/ping")]
    [TestCase("/mvc/ajax")]
    public async Task Ajax_only_refusal_is_a_403_problem(string path)
    {
        await using var app = await StartAsync(problemDetails: true);

        using var response = await app.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var problem = await ProblemAsync(response);
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(403));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("X-Requested-With"));
    }

    [TestCase("/api/ping")]
    [TestCase("/mvc/ajax")]
    public async Task Ajax_only_refusal_is_plain_text_without_problem_details(string path)
    {
        await using var app = await StartAsync(problemDetails: false);

        using var response = await app.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("X-Requested-With"));
    }

    [Test]
    public async Task Anonymous_ajax_call_gets_a_401_problem_with_the_login_url()
    {
        await using var app = await StartAsync(problemDetails: true);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/private");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");

        using var response = await app.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var problem = await ProblemAsync(response);
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo(401));
        Assert.That(problem.GetProperty("login_url").GetString(), Is.EqualTo("/accounts/login/"));
    }
}

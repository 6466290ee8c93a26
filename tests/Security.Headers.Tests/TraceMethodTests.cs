using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Headers.Tests;

/// <summary>TRACE and TRACK, which echo a request back, never reach the app.</summary>
public sealed class TraceMethodTests
{
    // An app that answers any method on any path, as a catch-all page or a fallback does: what a scanner's TRACE finds.
    private static Task<HeadersHost> StartAsync(Action<SecurityHeadersOptions>? configure = null) =>
        HeadersHost.StartAsync(configure, endpoints: app => app.Map("/{**path}", (HttpContext c) => "echo " + c.Request.Headers.Cookie));

    [TestCase("TRACE")]
    [TestCase("TRACK")]
    [TestCase("track")]
    public async Task Trace_methods_get_405_with_the_security_headers_and_no_echo(string method)
    {
        await using var host = await StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/");
        request.Headers.Add("Cookie", "session=secret");

        using var response = await host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("secret"));
        Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task Trace_refusal_is_a_405_problem_when_the_app_has_problem_details()
    {
        await using var host = await HeadersHost.StartAsync(
            endpoints: app => app.Map("/{**path}", () => "page"), services: s => s.AddProblemDetails());

        using var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Trace, "/"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"status\":405"));
    }

    [TestCase("GET")]
    [TestCase("POST")]
    [TestCase("OPTIONS")]
    public async Task Other_methods_reach_the_app(string method)
    {
        await using var host = await StartAsync();
        using var response = await host.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task With_the_option_off_TRACE_reaches_the_app()
    {
        await using var host = await StartAsync(o => o.RejectTraceMethods = false);
        using var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Trace, "/"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}

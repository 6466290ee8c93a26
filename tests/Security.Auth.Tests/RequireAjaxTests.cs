using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth.Tests;

public sealed class RequireAjaxTests
{
    private AuthTestApp _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _app = await AuthTestApp.StartAsync(
            builder => builder.Services.AddControllers().AddApplicationPart(typeof(RequireAjaxTests).Assembly),
            app =>
            {
                app.MapGet("/api/ping", () => "pong").RequireAjax();
                app.MapGroup("/group").RequireAjax().MapPost("/echo", () => "echo");
                app.MapGet("/plain", () => "plain");
                app.MapControllers();
            });

    [OneTimeTearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [TestCase("GET", "/api/ping")]
    [TestCase("POST", "/group/echo")]
    [TestCase("GET", "/mvc/ajax")]
    public async Task Non_ajax_request_gets_403(string method, string path)
    {
        using var response = await _app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [TestCase("GET", "/api/ping", "pong")]
    [TestCase("POST", "/group/echo", "echo")]
    [TestCase("GET", "/mvc/ajax", "mvc")]
    public async Task Ajax_request_is_served(string method, string path, string body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var response = await _app.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(body));
    }

    [TestCase("xmlhttprequest", HttpStatusCode.OK)]
    [TestCase("fetch", HttpStatusCode.Forbidden)]
    [TestCase("", HttpStatusCode.Forbidden)]
    public async Task Header_value_is_compared_ignoring_case_and_must_be_XMLHttpRequest(string value, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ping");
        request.Headers.TryAddWithoutValidation("X-Requested-With", value);
        using var response = await _app.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public async Task Endpoint_without_the_convention_is_not_affected()
    {
        Assert.That(await _app.Client.GetStringAsync("/plain"), Is.EqualTo("plain"));
    }

    [Test]
    public void Convention_adds_the_metadata()
    {
        var endpoint = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Single(e => (e as RouteEndpoint)?.RoutePattern.RawText == "/api/ping");
        Assert.That(endpoint.Metadata.GetMetadata<IRequireAjaxMetadata>(), Is.Not.Null);
    }
}

/// <summary>An MVC controller using the attribute.</summary>
[ApiController]
[Route("mvc")]
public sealed class AjaxTestController : ControllerBase
{
    [HttpGet("ajax")]
    [RequireAjax]
    public string Get() => "mvc";
}

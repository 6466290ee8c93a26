using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Security.Profiling.Tests;

public sealed class ProfilingTriggerTests
{
    private static void Endpoints(WebApplication app) => app.MapGet("/hello", () => "hello");

    [Test]
    public async Task Request_without_the_header_is_not_profiled()
    {
        var (app, logs) = await ProfilingHost.StartAsync(Endpoints);
        await using var _ = app;

        var context = await app.SendAsync("/hello", profile: false);

        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
        Assert.That(context.Body(), Is.EqualTo("hello"));
        Assert.That(context.ServerTiming(), Is.Null);
        Assert.That(logs.Profiling, Is.Empty);
    }

    [Test]
    public async Task Local_request_with_the_header_is_profiled()
    {
        var (app, logs) = await ProfilingHost.StartAsync(Endpoints);
        await using var _ = app;

        var context = await app.SendAsync("/hello");

        Assert.That(context.Body(), Is.EqualTo("hello"));
        Assert.That(context.ServerTiming(), Does.StartWith("total;dur="));
        Assert.That(logs.Profiles, Has.Count.EqualTo(1));
        Assert.That(logs.Profiles[0].Level, Is.EqualTo(LogLevel.Debug));
        Assert.That(logs.Profiles[0].Message, Does.Contain("GET /hello"));
    }

    [Test]
    public async Task Header_value_does_not_matter_and_a_custom_header_name_is_used()
    {
        var (app, logs) = await ProfilingHost.StartAsync(Endpoints, o => o.HeaderName = "X-Debug-Profile");
        await using var _ = app;

        var ignored = await app.SendAsync("/hello");
        var profiled = await app.SendAsync("/hello", profile: false, configure: c => c.Request.Headers["X-Debug-Profile"] = "");

        Assert.That(ignored.ServerTiming(), Is.Null);
        Assert.That(profiled.ServerTiming(), Is.Not.Null);
        Assert.That(logs.Profiles, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Remote_caller_gets_the_normal_response_and_no_sign_of_profiling()
    {
        var (app, logs) = await ProfilingHost.StartAsync(Endpoints);
        await using var _ = app;

        var context = await app.SendAsync("/hello", ProfilingHost.Remote);

        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
        Assert.That(context.Body(), Is.EqualTo("hello"));
        Assert.That(context.ServerTiming(), Is.Null);
        Assert.That(logs.Profiling.Where(e => e.Level >= LogLevel.Debug), Is.Empty);
    }

    [Test]
    public async Task Caller_without_an_address_is_not_local()
    {
        var (app, logs) = await ProfilingHost.StartAsync(Endpoints);
        await using var _ = app;

        var context = await app.SendAsync("/hello", configure: c => c.Connection.RemoteIpAddress = null);

        Assert.That(context.ServerTiming(), Is.Null);
        Assert.That(logs.Profiles, Is.Empty);
    }

    [TestCase("::1")]
    [TestCase("::ffff:127.0.0.1")]
    [TestCase("127.0.0.2")]
    public async Task Loopback_addresses_are_local(string address)
    {
        var (app, _) = await ProfilingHost.StartAsync(Endpoints);
        await using var __ = app;

        var context = await app.SendAsync("/hello", IPAddress.Parse(address));

        Assert.That(context.ServerTiming(), Is.Not.Null);
    }

    [TestCase("X-Forwarded-For", "198.51.100.1")]
    [TestCase("Forwarded", "for=198.51.100.1")]
    [TestCase("X-Real-IP", "198.51.100.1")]
    [TestCase("CF-Connecting-IP", "198.51.100.1")]
    [TestCase("True-Client-IP", "198.51.100.1")]
    [TestCase("X-Client-IP", "198.51.100.1")]
    [TestCase("X-Original-Forwarded-For", "198.51.100.1")]
    [TestCase("X-ProxyUser-Ip", "198.51.100.1")]
    public async Task Loopback_caller_speaking_for_someone_through_a_proxy_is_refused(string header, string value)
    {
        var (app, logs) = await ProfilingHost.StartAsync(Endpoints);
        await using var _ = app;

        var context = await app.SendAsync("/hello", configure: c => c.Request.Headers[header] = value);

        Assert.That(context.ServerTiming(), Is.Null);
        Assert.That(logs.Profiles, Is.Empty);
    }

    [Test]
    public async Task Failing_request_is_still_profiled()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/boom", string () => throw new InvalidOperationException("boom")));
        await using var _ = app;

        Assert.That(async () => await app.SendAsync("/boom"), Throws.InvalidOperationException);

        Assert.That(logs.Profiles, Has.Count.EqualTo(1));
        Assert.That(logs.Profiles[0].Message, Does.Contain("GET /boom\nSummary: status 500 (unhandled exception), total "));
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Testing;

namespace Security.Profiling.Tests;

/// <summary>Starts a TestServer app with profiling and captured logs, and sends requests as a chosen caller.</summary>
internal static class ProfilingHost
{
    public static readonly IPAddress Remote = IPAddress.Parse("203.0.113.7");

    /// <summary>Starts an app with profiling enabled (unless configured otherwise) and every log level captured.</summary>
    public static async Task<(TestApp App, CapturedLogs Logs)> StartAsync(
        Action<WebApplication> endpoints,
        Action<SecurityProfilingOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? beforeProfiling = null)
    {
        var logs = new CapturedLogs();
        var app = await TestHost.StartAsync(
            s =>
            {
                s.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
                s.AddSecurityProfiling(o =>
                {
                    o.Enabled = true;
                    configure?.Invoke(o);
                });
                services?.Invoke(s);
            },
            app =>
            {
                beforeProfiling?.Invoke(app);
                app.UseSecurityProfiling();
                endpoints(app);
            });
        return (app, logs);
    }

    /// <summary>
    /// Sends a request from <paramref name="caller"/> (loopback by default), with the trigger header
    /// unless told otherwise, and reads the whole body: TestServer returns at the response's start,
    /// the body's end comes after the pipeline (and the profile's log) has finished.
    /// </summary>
    public static async Task<HttpContext> SendAsync(
        this TestApp app,
        string path,
        IPAddress? caller = null,
        bool profile = true,
        Action<HttpContext>? configure = null)
    {
        var context = await app.StartRequestAsync(path, caller, profile, configure);
        await context.ReadBodyAsync();
        return context;
    }

    /// <summary>Like <see cref="SendAsync"/>, but returns as soon as the response has started, its body unread.</summary>
    public static Task<HttpContext> StartRequestAsync(
        this TestApp app,
        string path,
        IPAddress? caller = null,
        bool profile = true,
        Action<HttpContext>? configure = null) =>
        app.Server.SendAsync(context =>
        {
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = caller ?? IPAddress.Loopback;
            if (profile)
            {
                context.Request.Headers["X-Profile"] = "1";
            }

            configure?.Invoke(context);
        });

    /// <summary>Reads the rest of the body (waiting for the pipeline to finish) so that <see cref="Body"/> can read it.</summary>
    public static async Task ReadBodyAsync(this HttpContext context)
    {
        var body = new MemoryStream();
        await context.Response.Body.CopyToAsync(body);
        body.Position = 0;
        context.Response.Body = body;
    }

    public static string Body(this HttpContext context)
    {
        using var reader = new StreamReader(context.Response.Body, leaveOpen: true);
        return reader.ReadToEnd();
    }

    public static string? ServerTiming(this HttpContext context) =>
        context.Response.Headers.TryGetValue("Server-Timing", out var value) ? value.ToString() : null;
}

using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Security.CrossOrigin;
using Security.Testing;

namespace Security.CrossOrigin.Tests;

/// <summary>
/// A real pipeline on TestServer (base address <c>http://localhost/</c>): AddCrossOriginProtection, the test's
/// pipeline part (forwarded headers, method override), UseCrossOriginProtection, then endpoints that answer with
/// their own name. Fake logging and a collector on the refusal counter.
/// </summary>
internal sealed class CrossOriginHost : IAsyncDisposable
{
    private readonly TestApp _app;

    private CrossOriginHost(TestApp app)
    {
        _app = app;
        Refused = new MetricCollector<long>(app.Services.GetRequiredService<IMeterFactory>(), "Security", "security.cross_origin.refused");
    }

    public HttpClient Client => _app.Client;

    public IServiceProvider Services => _app.Services;

    public MetricCollector<long> Refused { get; }

    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    /// <param name="configure">The protection's options.</param>
    /// <param name="endpoints">Endpoints; default <c>/</c> and <c>/api/orders</c> for every method, answering their path.</param>
    /// <param name="before">Pipeline before the protection (e.g. UseForwardedHeaders, UseHttpMethodOverride).</param>
    /// <param name="services">More services (AddCors, AddProblemDetails).</param>
    /// <param name="settings">Configuration values.</param>
    public static async Task<CrossOriginHost> StartAsync(
        Action<CrossOriginProtectionOptions>? configure = null,
        Action<WebApplication>? endpoints = null,
        Action<WebApplication>? before = null,
        Action<IServiceCollection>? services = null,
        IDictionary<string, string?>? settings = null)
    {
        var app = await TestHost.StartAsync(
            s =>
            {
                s.AddCrossOriginProtection(configure);
                services?.Invoke(s);
            },
            web =>
            {
                before?.Invoke(web);
                web.UseRouting();
                web.UseCrossOriginProtection();
                if (endpoints is null)
                {
                    web.Map("/", (Microsoft.AspNetCore.Http.HttpContext c) => c.Request.Method + " /");
                    web.Map("/api/orders", (Microsoft.AspNetCore.Http.HttpContext c) => c.Request.Method + " /api/orders");
                }
                else
                {
                    endpoints(web);
                }
            },
            settings,
            configureBuilder: builder => builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug));
        return new CrossOriginHost(app);
    }

    public static async Task<Exception?> StartupErrorAsync(Action<CrossOriginProtectionOptions>? configure = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        try
        {
            await using var host = await StartAsync(configure, settings: settings, services: services);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    /// <summary>Sends <paramref name="method"/> <paramref name="url"/> with the given headers; <c>Content-Type</c> goes on a form body.</summary>
    public async Task<HttpResponseMessage> SendAsync(string method, string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content = new StringContent("a=1&_method=GET");
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation("Content-Type", value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Sends a request built on the server side, for headers HttpClient would not send.</summary>
    public Task<Microsoft.AspNetCore.Http.HttpContext> SendRawAsync(Action<Microsoft.AspNetCore.Http.HttpContext> configure) => _app.Server.SendAsync(configure);

    public async ValueTask DisposeAsync()
    {
        Refused.Dispose();
        await _app.DisposeAsync();
    }
}

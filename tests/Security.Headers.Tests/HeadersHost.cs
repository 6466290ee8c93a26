using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Headers;
using Security.Testing;

namespace Security.Headers.Tests;

/// <summary>A real pipeline on TestServer: AddSecurityHeaders, UseSecurityHeaders first, then the test's middleware and endpoints.</summary>
internal sealed class HeadersHost : IAsyncDisposable
{
    private readonly TestApp _host;

    private HeadersHost(TestApp host, LogCollector logs)
    {
        _host = host;
        Logs = logs;
    }

    public WebApplication App => _host.App;

    public HttpClient Client => _host.Client;

    public LogCollector Logs { get; }

    public static async Task<HeadersHost> StartAsync(
        Action<SecurityHeadersOptions>? configure = null,
        Action<WebApplication>? endpoints = null,
        IDictionary<string, string?>? settings = null,
        Action<WebApplication>? pipeline = null,
        bool addSecurityHeaders = true,
        Action<IServiceCollection>? services = null)
    {
        var logs = new LogCollector();
        var host = await TestHost.StartAsync(
            s =>
            {
                if (addSecurityHeaders)
                {
                    s.AddSecurityHeaders(configure);
                }

                services?.Invoke(s);
            },
            app =>
            {
                app.UseSecurityHeaders();
                pipeline?.Invoke(app);
                if (endpoints is null)
                {
                    app.MapGet("/", () => "home");
                }
                else
                {
                    endpoints(app);
                }
            },
            settings,
            configureBuilder: builder => builder.Logging.AddProvider(logs));
        return new HeadersHost(host, logs);
    }

    /// <summary>Starts a host with only configuration and returns the startup error.</summary>
    public static async Task<Exception?> StartupErrorAsync(Action<SecurityHeadersOptions>? configure = null, IDictionary<string, string?>? settings = null)
    {
        try
        {
            await using var host = await StartAsync(configure, settings: settings);
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    public async Task<HttpResponseMessage> GetAsync(string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Client.SendAsync(request);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

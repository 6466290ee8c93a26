using System.Collections.Concurrent;
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

/// <summary>Collects log entries (category, event id, level, message) for assertions.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
    }
}

/// <summary>Reads one response header as the server sent it (content headers included).</summary>
internal static class ResponseHeaderExtensions
{
    public static string? Header(this HttpResponseMessage response, string name)
    {
        // NonValidated: the values as sent, not re-ordered by HttpClient's parsers (Cache-Control).
        if (response.Headers.NonValidated.TryGetValues(name, out var values) || response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }
}

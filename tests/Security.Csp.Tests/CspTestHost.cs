using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Security.Csp.Tests;

/// <summary>Builds a real pipeline on TestServer: CreateSlimBuilder + UseTestServer.</summary>
internal static class CspTestHost
{
    public static async Task<WebApplication> StartAsync(
        Action<IServiceCollection> services, Action<WebApplication> app, string? appSettingsJson = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
        if (appSettingsJson is not null)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(appSettingsJson)));
        }

        services(builder.Services);
        var built = builder.Build();
        app(built);
        await built.StartAsync();
        return built;
    }

    /// <summary>A host with the CSP middleware and one page at <c>/</c>.</summary>
    public static Task<WebApplication> StartWithPageAsync(Action<CspOptions>? configure = null, string? appSettingsJson = null) =>
        StartAsync(
            s => s.AddSecurityCsp(configure),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/", () => "page");
            },
            appSettingsJson);

    public static HttpClient Client(this WebApplication app, string baseAddress = "http://localhost/")
    {
        var client = app.GetTestClient();
        client.BaseAddress = new Uri(baseAddress);
        return client;
    }

    public static async Task<string?> GetCspAsync(this WebApplication app, string path = "/", string header = "Content-Security-Policy")
    {
        using var response = await app.Client().GetAsync(path);
        return response.Headers.TryGetValues(header, out var values) ? string.Join("\n", values) : null;
    }
}

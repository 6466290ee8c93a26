using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>Builds a real pipeline on TestServer with <see cref="TestHost"/>, logging to a fake collector at Debug, with optional appsettings JSON.</summary>
internal static class CspTestHost
{
    public static Task<TestApp> StartAsync(
        Action<IServiceCollection> services, Action<WebApplication> app, string? appSettingsJson = null, string? environment = null) =>
        TestHost.StartAsync(
            services,
            app,
            environment: environment,
            configureBuilder: builder =>
            {
                builder.Logging.ClearProviders().AddFakeLogging().SetMinimumLevel(LogLevel.Debug);
                if (appSettingsJson is not null)
                {
                    builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(appSettingsJson)));
                }
            });

    /// <summary>A host with the CSP middleware, a page at <c>/</c>, and one at <c>/nonced</c> that renders the nonce.</summary>
    public static Task<TestApp> StartWithPageAsync(Action<SecurityCspOptions>? configure = null, string? appSettingsJson = null) =>
        StartAsync(
            s => s.AddSecurityCsp(configure),
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/", () => "page");
                a.MapGet("/nonced", (HttpContext c) => $"<script nonce=\"{c.GetCspNonce()}\"></script>");
            },
            appSettingsJson);

    /// <summary>
    /// A host rendering Razor components (<see cref="Components.NonceApp"/> and its pages) under <paramref name="policy"/>,
    /// with <c>AddCascadingNonce()</c> called <paramref name="cascadingNonceCalls"/> times.
    /// </summary>
    public static Task<TestApp> StartComponentsAsync(Action<CspPolicyBuilder> policy, Action<WebApplication>? endpoints = null, int cascadingNonceCalls = 1) =>
        StartAsync(
            s =>
            {
                var csp = s.AddSecurityCsp(o => o.UsePolicy(policy));
                for (var i = 0; i < cascadingNonceCalls; i++)
                {
                    csp.AddCascadingNonce();
                }

                s.AddRazorComponents();
            },
            a =>
            {
                a.UseContentSecurityPolicy();
                a.UseAntiforgery();
                a.MapRazorComponents<Components.NonceApp>();
                endpoints?.Invoke(a);
            });

    /// <summary>A new client for <paramref name="baseAddress"/>, e.g. <c>https://localhost/</c>; <see cref="TestApp.Client"/> is the one for <c>http://localhost/</c>.</summary>
    public static HttpClient ClientAt(this TestApp app, string baseAddress)
    {
        var client = app.Server.CreateClient();
        client.BaseAddress = new Uri(baseAddress);
        return client;
    }

    public static async Task<string?> GetCspAsync(this TestApp app, string path = "/", string header = "Content-Security-Policy")
    {
        using var response = await app.Client.GetAsync(path);
        return response.Headers.TryGetValues(header, out var values) ? string.Join("\n", values) : null;
    }
}

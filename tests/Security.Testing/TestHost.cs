using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Testing;

/// <summary>
/// Builds and starts a real ASP.NET Core pipeline in one call, on
/// <see cref="WebApplication.CreateSlimBuilder()"/>.
/// </summary>
/// <example>
/// <code>
/// await using var host = await TestHost.StartAsync(
///     services => services.AddSecurityHeaders(),
///     app => { app.UseSecurityHeaders(); app.MapGet("/", () => "hi"); });
/// var response = await host.Client.GetAsync("/");
/// </code>
/// </example>
public static class TestHost
{
    /// <summary>Starts the app on an in-memory <see cref="TestServer"/>.</summary>
    /// <param name="configureServices">Registers services, e.g. <c>services => services.AddSecurityCsp()</c>; may be null.</param>
    /// <param name="configureApp">Adds middleware and endpoints, e.g. <c>app => app.MapGet("/", () => "hi")</c>.</param>
    /// <param name="configuration">Configuration keys and values, e.g. <c>["Security:Headers:XFrameOptions"] = "DENY"</c>; they win over other sources.</param>
    /// <param name="environment">The environment name; default <c>Production</c>.</param>
    /// <param name="configureBuilder">Reaches the whole builder before <paramref name="configureServices"/>, e.g.
    /// <c>builder => builder.Logging.ClearProviders()</c>; a configuration source added here wins over <paramref name="configuration"/>. May be null.</param>
    /// <remarks>If <paramref name="configureApp"/> or starting throws, the app is disposed and the exception propagates.</remarks>
    public static async Task<TestApp> StartAsync(
        Action<IServiceCollection>? configureServices,
        Action<WebApplication> configureApp,
        IDictionary<string, string?>? configuration = null,
        string? environment = null,
        Action<WebApplicationBuilder>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(configureApp);
        var builder = CreateBuilder(configuration, environment);
        builder.WebHost.UseTestServer();
        configureBuilder?.Invoke(builder);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        try
        {
            configureApp(app);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestApp(app);
    }

    /// <summary>
    /// Starts the app on Kestrel at <c>http://127.0.0.1:&lt;free port&gt;</c>, or HTTPS with
    /// <paramref name="httpsCertificate"/>, so that a browser or another process can connect.
    /// </summary>
    /// <param name="configureServices">Registers services; may be null.</param>
    /// <param name="configureApp">Adds middleware and endpoints.</param>
    /// <param name="configuration">Configuration keys and values; they win over other sources.</param>
    /// <param name="environment">The environment name; default <c>Production</c>.</param>
    /// <param name="httpsCertificate">When set, listen on HTTPS with this certificate (with its private key),
    /// e.g. a self-signed one made with <c>CertificateRequest</c>; default plain HTTP.</param>
    public static async Task<KestrelApp> StartKestrelAsync(
        Action<IServiceCollection>? configureServices,
        Action<WebApplication> configureApp,
        IDictionary<string, string?>? configuration = null,
        string? environment = null,
        X509Certificate2? httpsCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(configureApp);
        var builder = CreateBuilder(configuration, environment);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (httpsCertificate is not null)
            {
                listen.UseHttps(httpsCertificate);
            }
        }));
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        configureApp(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        var baseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        var handler = new SocketsHttpHandler();
        if (httpsCertificate is not null)
        {
            // Trust exactly the app's own test certificate, nothing else.
            var thumbprint = httpsCertificate.Thumbprint;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(certificate.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase);
        }

        return new KestrelApp(app, baseAddress, new HttpClient(handler) { BaseAddress = baseAddress });
    }

    private static WebApplicationBuilder CreateBuilder(IDictionary<string, string?>? configuration, string? environment)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment ?? "Production",
        });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        return builder;
    }
}

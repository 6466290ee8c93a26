using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Security.Abstractions.Tests;

/// <summary>Builds a TestServer app from services and a pipeline: the one place tests set up a host.</summary>
internal static class TestApp
{
    public static async Task<WebApplication> StartAsync(Action<IServiceCollection> services, Action<WebApplication> pipeline)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        services(builder.Services);

        var app = builder.Build();
        pipeline(app);
        await app.StartAsync();
        return app;
    }

    /// <summary>A client that keeps cookies between requests.</summary>
    public static HttpClient CookieClient(this WebApplication app)
    {
        var server = app.GetTestServer();
        return new HttpClient(new CookieHandler(server.CreateHandler())) { BaseAddress = server.BaseAddress };
    }

    // TestServer's handler keeps no cookies; this one does, as a browser would.
    private sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly CookieContainer _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var header = _cookies.GetCookieHeader(uri);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var setCookie in setCookies)
                {
                    _cookies.SetCookies(uri, setCookie);
                }
            }

            return response;
        }
    }
}

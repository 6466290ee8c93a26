using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Benchmarks;

/// <summary>Drives the real <c>MapCspReports</c> endpoint without sockets, as the report benchmarks do.</summary>
internal static class CspReportRequests
{
    /// <summary>The request delegate of the endpoint mapped at <paramref name="pattern"/>.</summary>
    public static RequestDelegate FindEndpoint(WebApplication app, string pattern = "/csp-report") =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>().Single(e => e.RoutePattern.RawText == pattern).RequestDelegate!;

    /// <summary>POSTs <paramref name="count"/> legacy reports, each on a fresh context; any answer but 204 throws.</summary>
    public static async Task PostLegacyAsync(RequestDelegate endpoint, byte[] body, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await PostLegacyAsync(endpoint, body);
        }
    }

    /// <summary>POSTs each of <paramref name="bodies"/> once, each on a fresh context; any answer but 204 throws.</summary>
    public static async Task PostLegacyAsync(RequestDelegate endpoint, byte[][] bodies)
    {
        foreach (var body in bodies)
        {
            await PostLegacyAsync(endpoint, body);
        }
    }

    private static async Task PostLegacyAsync(RequestDelegate endpoint, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";

        // The reports' pages are on this host: a report about another site's page is dropped before the queue.
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("app.example");
        context.Request.ContentType = "application/csp-report";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        await endpoint(context);
        if (context.Response.StatusCode != StatusCodes.Status204NoContent)
        {
            throw new InvalidOperationException($"status {context.Response.StatusCode}");
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Abstractions;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>A host with only the report endpoint, its store and options; and request helpers.</summary>
internal static class CspReportTestHost
{
    public const string LegacyReport = """
        {"csp-report": {"document-uri": "https://app.example/page", "referrer": "https://ref.example/",
          "blocked-uri": "https://evil.example/x.js", "violated-directive": "script-src-elem 'self'",
          "effective-directive": "script-src-elem", "original-policy": "script-src 'self'; report-uri /csp-report",
          "disposition": "enforce", "source-file": "https://app.example/app.js", "line-number": 12, "column-number": 7,
          "script-sample": "alert(1)", "status-code": 200}}
        """;

    public const string ReportingApiReport = """
        [{"type": "deprecation", "url": "https://app.example/page", "body": {"id": "x"}},
         {"type": "csp-violation", "age": 10, "url": "https://app.example/page", "user_agent": "Chrome/156",
          "body": {"documentURL": "https://app.example/page", "referrer": "", "blockedURL": "inline",
            "effectiveDirective": "script-src-elem", "originalPolicy": "script-src 'self'; report-to csp-endpoint",
            "disposition": "enforce", "sourceFile": "https://app.example/page", "lineNumber": 3, "columnNumber": 9,
            "sample": "", "statusCode": 200}}]
        """;

    public static Task<TestApp> StartAsync(Action<SecurityCspOptions>? configure = null, ICspReportStore? store = null) =>
        CspTestHost.StartAsync(
            s =>
            {
                if (store is not null)
                {
                    s.TryAddSingleton(store);
                }

                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.RetryDelay = TimeSpan.Zero;

                    o.Reports.UseTestOrigins();
                    configure?.Invoke(o);
                });
            },
            a => a.MapCspReports("/csp-report"));

    /// <summary>The origins of the test reports' pages count as the app's own: TestServer's host is localhost.</summary>
    public static void UseTestOrigins(this CspReportOptions reports) => reports.AppOrigins = ["https://app.example", "https://a.example"];

    public static async Task<HttpResponseMessage> PostAsync(this TestApp app, string body, string contentType = "application/csp-report")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await app.Client.PostAsync("/csp-report", content);
    }

    public static async Task<HttpStatusCode> PostStatusAsync(this TestApp app, string body, string contentType = "application/csp-report")
    {
        using var response = await app.PostAsync(body, contentType);
        return response.StatusCode;
    }

    /// <summary>Stops the app (the writer drains its queue) and returns what the in-memory store holds.</summary>
    public static async Task<IReadOnlyList<CspReport>> StopAndReadStoreAsync(this TestApp app)
    {
        await app.App.StopAsync();
        return ((InMemoryCspReportStore)app.Services.GetRequiredService<ICspReportStore>()).Snapshot();
    }

    /// <summary>A body of unknown length: sent chunked, without Content-Length.</summary>
    public sealed class ChunkedContent : HttpContent
    {
        public ChunkedContent(string text, string contentType)
        {
            Bytes = Encoding.UTF8.GetBytes(text);
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        public byte[] Bytes { get; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < Bytes.Length; offset += 4096)
            {
                await stream.WriteAsync(Bytes.AsMemory(offset, Math.Min(4096, Bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

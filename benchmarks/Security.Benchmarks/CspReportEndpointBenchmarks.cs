using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Abstractions;

namespace Security.Benchmarks;

/// <summary>
/// Report endpoint throughput: legacy reports POSTed to the endpoint's request delegate and saved
/// by the background writer into the in-memory store; one invocation waits until all are stored. Beside it, the same
/// reports about another site's page, which the endpoint drops after parsing (the cost of the foreign-document check
/// with the parse it follows).
/// </summary>
[MemoryDiagnoser]
public class CspReportEndpointBenchmarks
{
    private const int Reports = 1000;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"csp-report": {"document-uri": "https://app.example/page", "referrer": "", "blocked-uri": "https://evil.example/x.js",
          "violated-directive": "script-src-elem", "effective-directive": "script-src-elem",
          "original-policy": "default-src 'self'; script-src 'self'; report-uri /csp-report", "disposition": "enforce",
          "source-file": "https://app.example/app.js", "line-number": 12, "column-number": 7, "status-code": 200}}
        """);

    // The same report about another site's page: parsed, checked against the app's origins, dropped and counted.
    private static readonly byte[] ForeignBody = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("https://app.example/page", "https://other-site.example/page", StringComparison.Ordinal));

    private WebApplication _app = null!;
    private RequestDelegate _endpoint = null!;
    private CountingStore _store = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _store = new CountingStore();
        builder.Services.AddSingleton<ICspReportStore>(_store);
        builder.Services.AddSecurityCsp(o =>
        {
            o.UsePolicy(p => p.DefaultSrc().Self());
            o.Reports.LogReports = false;
            // The harness is one client posting every report: the limiter runs, but never refuses.
            o.Reports.RateLimit.PermitLimit = int.MaxValue;
        });
        _app = builder.Build();
        _app.MapCspReports("/csp-report");
        await _app.StartAsync();
        _endpoint = CspReportRequests.FindEndpoint(_app);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Reports)]
    public async Task Legacy_reports_into_the_in_memory_store()
    {
        var target = _store.Saved + Reports;
        await CspReportRequests.PostLegacyAsync(_endpoint, Body, Reports);

        while (_store.Saved < target)
        {
            await Task.Yield();
        }
    }

    [Benchmark(OperationsPerInvoke = Reports)]
    public Task Foreign_document_reports_dropped() => CspReportRequests.PostLegacyAsync(_endpoint, ForeignBody, Reports);

    private sealed class CountingStore : ICspReportStore
    {
        private readonly InMemoryCspReportStore _inner = new();
        private long _saved;

        public long Saved => Interlocked.Read(ref _saved);

        public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
        {
            await _inner.SaveAsync(reports, cancellationToken);
            Interlocked.Add(ref _saved, reports.Count);
        }

        public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default) => _inner.QueryGroupsAsync(query, cancellationToken);

        public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default) =>
            _inner.CountByHourAsync(from, to, effectiveDirective, cancellationToken);

        public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default) => _inner.DeleteOlderThanAsync(cutoff, maxCount, cancellationToken);
    }
}

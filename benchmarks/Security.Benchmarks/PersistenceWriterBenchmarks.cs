using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Security.Abstractions;
using Security.Persistence;
using Security.Testing;

namespace Security.Benchmarks;

/// <summary>
/// Sustained CSP reports per second through the whole real path: the report endpoint's request delegate (parse,
/// count, enqueue, 204), Security.Csp's bounded channel and background writer, Security.Persistence's EF store, a
/// PostgreSQL cluster started like the tests' (or the server named by SECURITY_TEST_POSTGRES). One invocation posts
/// 5,000 legacy reports back to back and returns when the writer has saved all of them; each operation is one
/// report, so reports per second = 1e9 / Mean (ns).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PersistenceWriterBenchmarks
{
    private const int Reports = 5000;

    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"csp-report": {"document-uri": "https://app.example/orders/42?tab=details", "referrer": "https://app.example/orders",
          "blocked-uri": "https://cdn3.example/lib.js", "violated-directive": "script-src-elem 'self' 'nonce-abc'",
          "effective-directive": "script-src-elem",
          "original-policy": "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'; img-src 'self' data:; report-uri /csp-report",
          "disposition": "enforce", "source-file": "https://app.example/app.js", "line-number": 120, "column-number": 17,
          "script-sample": "alert(document.cookie)", "status-code": 200}}
        """);

    // The same report on 5,000 different pages: 5,000 groups.
    private static readonly byte[][] DistinctBodies = [.. Enumerable.Range(0, Reports).Select(i => Encoding.UTF8.GetBytes(
        Encoding.UTF8.GetString(Body).Replace("/orders/42?", $"/orders/{i}?", StringComparison.Ordinal)))];

    // Moved one hour on per invocation, so the distinct reports open new hourly groups and are all kept in full.
    private readonly ShiftedTime _time = new();

    private PostgresDatabase _database = null!;
    private WebApplication _app = null!;
    private RequestDelegate _endpoint = null!;
    private SavedCounter _saved = null!;

    /// <summary>The writer's <c>Reports:BatchSize</c>: the default 100, and 500.</summary>
    [Params(100, 500)]
    public int BatchSize { get; set; }

    /// <summary><c>distinct</c>: 5,000 different reports (each a new group, kept in full); <c>identical</c>: one report 5,000 times.</summary>
    [Params("distinct", "identical")]
    public string Kind { get; set; } = "distinct";

    [GlobalSetup]
    public async Task Setup()
    {
        _database = await PostgresServer.CreateDatabaseAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSecurityCsp(o =>
            {
                o.UsePolicy(p => p.DefaultSrc().Self());
                o.Reports.LogReports = false;
                // The harness is one client posting every report: the limiter runs, but never refuses.
                o.Reports.RateLimit.PermitLimit = int.MaxValue;
                o.Reports.BatchSize = BatchSize;
                // Above one invocation's reports, so no report is ever dropped for a full queue.
                o.Reports.QueueCapacity = 2 * Reports;
            })
            .AddEntityFrameworkStore(db => db.UseNpgsql(_database.ConnectionString));
        _saved = SavedCounter.Wrap(builder.Services);
        _app = builder.Build();
        _app.MapCspReports("/csp-report");
        await SecuritySchema.CreateAsync(_app.Services);
        await _app.StartAsync();
        _endpoint = CspReportRequests.FindEndpoint(_app);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
        await PostgresServer.StopAsync();
    }

    [Benchmark(OperationsPerInvoke = Reports)]
    public async Task Reports_through_the_endpoint_and_writer_into_PostgreSQL()
    {
        var target = _saved.Saved + Reports;
        if (Kind == "identical")
        {
            await CspReportRequests.PostLegacyAsync(_endpoint, Body, Reports);
        }
        else
        {
            _time.Shift += TimeSpan.FromHours(1);
            await CspReportRequests.PostLegacyAsync(_endpoint, DistinctBodies);
        }

        await _saved.WaitForAsync(target);
    }

    /// <summary>Counts what the real EF store saved, by wrapping it; it adds one interlocked add per batch.</summary>
    private sealed class SavedCounter
    {
        private long _saved;

        public long Saved => Interlocked.Read(ref _saved);

        public static SavedCounter Wrap(IServiceCollection services)
        {
            var counter = new SavedCounter();
            var registered = services.Single(d => d.ServiceType == typeof(ICspReportStore));
            var storeType = registered.ImplementationType ?? throw new InvalidOperationException("the EF store is registered by type");
            services.Replace(ServiceDescriptor.Singleton<ICspReportStore>(provider =>
                new CountingStore((ICspReportStore)ActivatorUtilities.CreateInstance(provider, storeType), counter)));
            return counter;
        }

        public async Task WaitForAsync(long target)
        {
            var deadline = DateTime.UtcNow.AddMinutes(1);
            while (Saved < target)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"saved {Saved} of {target}: reports were dropped or the writer is stuck");
                }

                await Task.Delay(1);
            }
        }

        private sealed class CountingStore(ICspReportStore inner, SavedCounter counter) : ICspReportStore
        {
            public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
            {
                await inner.SaveAsync(reports, cancellationToken);
                Interlocked.Add(ref counter._saved, reports.Count);
            }

            public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default) =>
                inner.QueryGroupsAsync(query, cancellationToken);

            public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default) =>
                inner.CountByHourAsync(from, to, effectiveDirective, cancellationToken);

            public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default) =>
                inner.DeleteOlderThanAsync(cutoff, maxCount, cancellationToken);
        }
    }

    /// <summary>The system clock moved on by <see cref="Shift"/>; timers stay the system's.</summary>
    private sealed class ShiftedTime : TimeProvider
    {
        public TimeSpan Shift { get; set; }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Shift;
    }
}

using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.CrossOrigin;

namespace Security.Benchmarks;

/// <summary>
/// One request through an in-process pipeline (no TestServer, no sockets) with Security.CrossOrigin, beside the bare
/// pipeline: the requests a browser sends most (a navigation, a same-origin POST), an old browser's POST with only
/// Origin, a cross-site navigation under resource isolation, and a refused cross-site POST. Over
/// <c>HeaderDictionary</c> and over Kestrel's header collections.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CrossOriginBenchmarks
{
    /// <summary>The header collections of the request and response.</summary>
    [Params(HeaderStorage.HeaderDictionary, HeaderStorage.Kestrel)]
    public HeaderStorage Storage { get; set; }

    private HeadersBenchmarkServer _bareServer = null!;
    private HeadersBenchmarkServer _navigationServer = null!;
    private HeadersBenchmarkServer _sameOriginPostServer = null!;
    private HeadersBenchmarkServer _originOnlyPostServer = null!;
    private HeadersBenchmarkServer _isolatedNavigationServer = null!;
    private HeadersBenchmarkServer _refusedServer = null!;
    private RequestDelegate _bare = null!;
    private RequestDelegate _ours = null!;
    private RequestDelegate _oursIsolated = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = Services(_ => { });
        var isolated = Services(o => o.Mode = CrossOriginProtectionMode.ResourceIsolation);
        _bare = BenchmarkPipeline.Build(services, _ => { });
        _ours = BenchmarkPipeline.Build(services, app => app.UseCrossOriginProtection());
        _oursIsolated = BenchmarkPipeline.Build(isolated, app => app.UseCrossOriginProtection());

        _bareServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/home");
        _navigationServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/home", "GET",
            ("Sec-Fetch-Site", "none"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"));
        _sameOriginPostServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/orders", "POST",
            ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty"), ("Origin", "https://example.com"), ("Content-Type", "application/json"));
        _originOnlyPostServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/orders", "POST",
            ("Origin", "https://example.com"), ("Content-Type", "application/x-www-form-urlencoded"));
        _isolatedNavigationServer = new HeadersBenchmarkServer(isolated, Storage, "https", "example.com", "/home", "GET",
            ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"));
        _refusedServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/orders", "POST",
            ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-Dest", "document"), ("Origin", "https://evil.example"), ("Content-Type", "application/x-www-form-urlencoded"));

        // Each request must get the answer its row names: check once.
        foreach (var (name, server, app, status) in new[]
                 {
                     ("navigation", _navigationServer, _ours, 200),
                     ("same-origin POST", _sameOriginPostServer, _ours, 200),
                     ("Origin-only POST", _originOnlyPostServer, _ours, 200),
                     ("isolated cross-site navigation", _isolatedNavigationServer, _oursIsolated, 200),
                     ("refused cross-site POST", _refusedServer, _ours, 403),
                 })
        {
            server.Run(app);
            if (server.StatusCode != status)
            {
                throw new InvalidOperationException($"{name}: expected {status}, got {server.StatusCode}");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    public void Bare() => _bareServer.Run(_bare);

    [Benchmark(Description = "navigation (Sec-Fetch-Site none)")]
    public void Navigation() => _navigationServer.Run(_ours);

    [Benchmark(Description = "same-origin POST")]
    public void SameOriginPost() => _sameOriginPostServer.Run(_ours);

    [Benchmark(Description = "POST with Origin only")]
    public void OriginOnlyPost() => _originOnlyPostServer.Run(_ours);

    [Benchmark(Description = "isolation: cross-site navigation")]
    public void IsolatedNavigation() => _isolatedNavigationServer.Run(_oursIsolated);

    [Benchmark(Description = "refused cross-site POST")]
    public void Refused() => _refusedServer.Run(_ours);

    private static ServiceProvider Services(Action<CrossOriginProtectionOptions> configure) => new ServiceCollection()
        .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
        .AddRouting()
        .AddCrossOriginProtection(configure)
        .Services.BuildServiceProvider();
}

using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Benchmarks;

/// <summary>
/// What UseSecurityProfiling costs a request: without the trigger header (every normal request),
/// with it from a refused caller, a full profile (no database, no logging provider), and a full
/// profile with CPU sampling (a real in-process EventPipe session, started, stopped and read).
/// </summary>
[MemoryDiagnoser]
public class ProfilingBenchmarks
{
    private ServiceProvider _services = null!;
    private ServiceProvider _samplingServices = null!;
    private RequestDelegate _bare = null!;
    private RequestDelegate _profiling = null!;
    private RequestDelegate _sampling = null!;
    private DefaultHttpContext _plain = null!;
    private DefaultHttpContext _refused = null!;
    private DefaultHttpContext _profiled = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddSecurityProfiling(o => o.Enabled = true)
            .Services.BuildServiceProvider();

        _samplingServices = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddSecurityProfiling(o =>
            {
                o.Enabled = true;
                o.CpuSampling = true;
            })
            .AddSampling()
            .Services.BuildServiceProvider();

        _bare = Pipeline(_services, _ => { });
        _profiling = Pipeline(_services, app => app.UseSecurityProfiling());
        _sampling = Pipeline(_samplingServices, app => app.UseSecurityProfiling());
        _plain = Context(IPAddress.Loopback, profile: false);
        _refused = Context(IPAddress.Parse("203.0.113.7"), profile: true);
        _profiled = Context(IPAddress.Loopback, profile: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _samplingServices.Dispose();
    }

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    public Task Bare() => _bare(_plain);

    [Benchmark(Description = "profiling on, no header")]
    public Task NoHeader() => _profiling(_plain);

    [Benchmark(Description = "profiling on, header, remote caller refused")]
    public Task Refused() => _profiling(_refused);

    [Benchmark(Description = "profiling on, header, local caller profiled")]
    public Task Profiled() => _profiling(_profiled);

    [Benchmark(Description = "profiling on, header, local caller profiled, CPU sampling")]
    public Task ProfiledWithSampling() => _sampling(_profiled);

    private static RequestDelegate Pipeline(IServiceProvider services, Action<IApplicationBuilder> configure)
    {
        var app = new ApplicationBuilder(services);
        configure(app);
        app.Run(static _ => Task.CompletedTask);
        return app.Build();
    }

    private static DefaultHttpContext Context(IPAddress caller, bool profile)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/orders/42";
        context.Request.Headers.Host = "example.com";
        context.Request.Headers.Accept = "text/html";
        context.Request.Headers.UserAgent = "Mozilla/5.0";
        context.Request.Headers.AcceptLanguage = "en";
        context.Connection.RemoteIpAddress = caller;
        if (profile)
        {
            context.Request.Headers["X-Profile"] = "1";
        }

        return context;
    }
}

using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NetEscapades.AspNetCore.SecurityHeaders;

namespace Security.Benchmarks;

/// <summary>
/// One request through the CSP middleware, header included: a static policy and a nonce policy,
/// ours against NetEscapades.AspNetCore.SecurityHeaders with the same policy and nonce directives.
/// </summary>
[MemoryDiagnoser]
public class CspMiddlewareBenchmarks
{
    // default-src 'self'; script-src 'self' cdn.example.com; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'
    private readonly CspBenchmarkHarness _harness = new();
    private RequestDelegate _baseline = null!;
    private RequestDelegate _oursStatic = null!;
    private RequestDelegate _oursNonce = null!;
    private RequestDelegate _oursNonceNotAsked = null!;
    private RequestDelegate _netEscapadesStatic = null!;
    private RequestDelegate _netEscapadesNonce = null!;

    [GlobalSetup]
    public void Setup()
    {
        _baseline = Build(_ => { }, _ => { }, static _ => Task.CompletedTask);

        _oursStatic = Build(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => Policy(p, nonce: false))),
            a => a.UseContentSecurityPolicy(),
            static _ => Task.CompletedTask);
        _oursNonce = Build(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => Policy(p, nonce: true))),
            a => a.UseContentSecurityPolicy(),
            static c => { _ = c.GetCspNonce(); return Task.CompletedTask; });
        // The same nonce policy on a response that renders no HTML (a static file, a 404, JSON): no nonce is drawn.
        _oursNonceNotAsked = Build(
            s => s.AddSecurityCsp(o => o.UsePolicy(p => Policy(p, nonce: true))),
            a => a.UseContentSecurityPolicy(),
            static _ => Task.CompletedTask);

        _netEscapadesStatic = Build(
            s => s.AddSecurityHeaderPolicies(),
            a => a.UseSecurityHeaders(new HeaderPolicyCollection().AddContentSecurityPolicy(b => NetEscapadesPolicy(b, nonce: false))),
            static _ => Task.CompletedTask);
        _netEscapadesNonce = Build(
            s => s.AddSecurityHeaderPolicies(),
            a => a.UseSecurityHeaders(new HeaderPolicyCollection().AddContentSecurityPolicy(b => NetEscapadesPolicy(b, nonce: true))),
            static c => { _ = c.GetNonce(); return Task.CompletedTask; });

        // Guard: every compared pipeline must really send the header, the nonce ones a nonce.
        foreach (var (name, pipeline, nonce) in new[] { ("ours static", _oursStatic, false), ("ours nonce", _oursNonce, true), ("ours nonce, not asked", _oursNonceNotAsked, false), ("NetEscapades static", _netEscapadesStatic, false), ("NetEscapades nonce", _netEscapadesNonce, true) })
        {
            var header = _harness.RunAsync(pipeline).GetAwaiter().GetResult().Response.Headers.ContentSecurityPolicy.ToString();
            Console.WriteLine($"// {name}: {header}");
            if (header.Length == 0 || header.Contains("'nonce-", StringComparison.Ordinal) != nonce)
            {
                throw new InvalidOperationException($"{name} sent '{header}'");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public Task<HttpContext> Baseline_no_middleware() => _harness.RunAsync(_baseline);

    [Benchmark]
    public Task<HttpContext> Ours_static_policy() => _harness.RunAsync(_oursStatic);

    [Benchmark]
    public Task<HttpContext> NetEscapades_static_policy() => _harness.RunAsync(_netEscapadesStatic);

    [Benchmark]
    public Task<HttpContext> Ours_nonce_policy() => _harness.RunAsync(_oursNonce);

    [Benchmark]
    public Task<HttpContext> Ours_nonce_policy_response_that_never_asks() => _harness.RunAsync(_oursNonceNotAsked);

    [Benchmark]
    public Task<HttpContext> NetEscapades_nonce_policy() => _harness.RunAsync(_netEscapadesNonce);

    private static void Policy(Security.Csp.CspPolicyBuilder p, bool nonce)
    {
        p.DefaultSrc().Self();
        var script = p.ScriptSrc().Self().From("cdn.example.com");
        var style = p.StyleSrc().Self();
        if (nonce)
        {
            script.WithNonce();
            style.WithNonce();
        }

        p.ImgSrc().Self().Data();
        p.ObjectSrc().None();
        p.BaseUri().None();
        p.FrameAncestors().None();
    }

    private static void NetEscapadesPolicy(CspBuilder b, bool nonce)
    {
        b.AddDefaultSrc().Self();
        var script = b.AddScriptSrc().Self().From("cdn.example.com");
        var style = b.AddStyleSrc().Self();
        if (nonce)
        {
            script.WithNonce();
            style.WithNonce();
        }

        b.AddImgSrc().Self().Data();
        b.AddObjectSrc().None();
        b.AddBaseUri().None();
        b.AddFrameAncestors().None();
    }

    private static RequestDelegate Build(Action<IServiceCollection> services, Action<IApplicationBuilder> middleware, RequestDelegate terminal)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        collection.AddLogging();
        services(collection);
        var app = new ApplicationBuilder(collection.BuildServiceProvider());
        middleware(app);
        app.Run(terminal);
        return app.Build();
    }
}

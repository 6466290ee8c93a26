using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Security.Benchmarks;

/// <summary>
/// One HTTPS GET through an in-process pipeline (no TestServer, no sockets), the same header set in
/// every case: X-Frame-Options DENY, Referrer-Policy same-origin, X-Content-Type-Options nosniff,
/// COOP and CORP same-origin, X-Permitted-Cross-Domain-Policies none, Origin-Agent-Cluster ?1,
/// X-DNS-Prefetch-Control off, HSTS one year with subdomains, Security.Headers' default Permissions-Policy (every
/// catalogue feature denied), Server removed. Run once over <c>HeaderDictionary</c> and once over Kestrel's header collections.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class HeadersBenchmarks
{
    /// <summary>The header collections of the request and response.</summary>
    [Params(HeaderStorage.HeaderDictionary, HeaderStorage.Kestrel)]
    public HeaderStorage Storage { get; set; }

    private static readonly StringValues Deny = "DENY";
    private static readonly StringValues SameOrigin = "same-origin";
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues None = "none";
    private static readonly StringValues AgentCluster = "?1";
    private static readonly StringValues Off = "off";
    private static readonly StringValues Hsts = "max-age=31536000; includeSubDomains";
    private static readonly Func<object, Task> HandWrittenCallback = HandWrittenHeaders;

    // Security.Headers' default policy, read from its first response so every contender sends the same bytes.
    private static StringValues _permissionsPolicy;

    private HeadersBenchmarkServer _bareServer = null!;
    private HeadersBenchmarkServer _handWrittenServer = null!;
    private HeadersBenchmarkServer _netEscapadesServer = null!;
    private HeadersBenchmarkServer _oursServer = null!;
    private HeadersBenchmarkServer _oursPathRulesServer = null!;
    private HeadersBenchmarkServer _oursDoNotTrackServer = null!;
    private HeadersBenchmarkServer _oursNoFingerprintsServer = null!;
    private RequestDelegate _bare = null!;
    private RequestDelegate _handWritten = null!;
    private RequestDelegate _netEscapades = null!;
    private RequestDelegate _ours = null!;
    private RequestDelegate _oursPathRules = null!;
    private RequestDelegate _oursDoNotTrack = null!;
    private RequestDelegate _oursNoFingerprints = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = Services(collection => collection.AddSecurityHeaderPolicies());
        var pathRulesServices = Services(configure: o =>
        {
            o.FrameOptionsExcludePaths.Add("^/embed/");
            o.NoConfidentialCaching.BlacklistEnabled = true;
            o.NoConfidentialCaching.BlacklistPaths.Add("account/");
        });

        // Ours with django-security's opt-in DNT echo (a request-header read NetEscapades does not do).
        var doNotTrackServices = Services(configure: o => o.EchoDoNotTrack = true);

        // The removal of the OWASP list switched off: Server and X-Powered-By only, as before it existed.
        var noFingerprintsServices = Services(configure: o => o.RemoveFingerprintingHeaders = false);

        // Called through the class: NetEscapades also has a parameterless UseSecurityHeaders().
        _ours = BenchmarkPipeline.Build(services, app => SecurityHeadersApplicationBuilderExtensions.UseSecurityHeaders(app));
        _oursPathRules = BenchmarkPipeline.Build(pathRulesServices, app => SecurityHeadersApplicationBuilderExtensions.UseSecurityHeaders(app));
        _oursDoNotTrack = BenchmarkPipeline.Build(doNotTrackServices, app => SecurityHeadersApplicationBuilderExtensions.UseSecurityHeaders(app));
        _oursNoFingerprints = BenchmarkPipeline.Build(noFingerprintsServices, app => SecurityHeadersApplicationBuilderExtensions.UseSecurityHeaders(app));
        _oursServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/home");
        _oursServer.Run(_ours);
        _permissionsPolicy = _oursServer.Headers["Permissions-Policy"];

        _bare = BenchmarkPipeline.Build(services, _ => { });
        _handWritten = BenchmarkPipeline.Build(services, app => app.Use(next => context =>
        {
            context.Response.OnStarting(HandWrittenCallback, context);
            return next(context);
        }));
        _netEscapades = BenchmarkPipeline.Build(services, app => app.UseSecurityHeaders(new HeaderPolicyCollection()
            .AddFrameOptionsDeny()
            .AddReferrerPolicySameOrigin()
            .AddContentTypeOptionsNoSniff()
            .AddCrossOriginOpenerPolicy(b => b.SameOrigin())
            .AddCrossOriginResourcePolicy(b => b.SameOrigin())
            .AddCustomHeader("X-Permitted-Cross-Domain-Policies", "none")
            .AddCustomHeader("Origin-Agent-Cluster", "?1")
            .AddCustomHeader("X-DNS-Prefetch-Control", "off")
            .AddCustomHeader("Permissions-Policy", _permissionsPolicy.ToString())
            .AddStrictTransportSecurityMaxAgeIncludeSubDomains(31536000)
            .RemoveServerHeader()));

        _bareServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/home");
        _handWrittenServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/home");
        _netEscapadesServer = new HeadersBenchmarkServer(services, Storage, "https", "example.com", "/home");
        _oursPathRulesServer = new HeadersBenchmarkServer(pathRulesServices, Storage, "https", "example.com", "/account/profile");
        _oursDoNotTrackServer = new HeadersBenchmarkServer(doNotTrackServices, Storage, "https", "example.com", "/home");
        _oursNoFingerprintsServer = new HeadersBenchmarkServer(noFingerprintsServices, Storage, "https", "example.com", "/home");

        // A wrong header set would make the comparison meaningless: check each once.
        foreach (var (name, server, app) in new[]
                 {
                     ("hand-written", _handWrittenServer, _handWritten),
                     ("NetEscapades", _netEscapadesServer, _netEscapades),
                     ("ours", _oursServer, _ours),
                     ("ours, DNT echo", _oursDoNotTrackServer, _oursDoNotTrack),
                     ("ours, fingerprint removal off", _oursNoFingerprintsServer, _oursNoFingerprints),
                 })
        {
            server.Run(app);
            var headers = server.Headers;
            if (headers.XFrameOptions != "DENY" || headers["Referrer-Policy"] != "same-origin" ||
                headers.XContentTypeOptions != "nosniff" || headers["Cross-Origin-Opener-Policy"] != "same-origin" ||
                headers["Cross-Origin-Resource-Policy"] != "same-origin" || headers["X-Permitted-Cross-Domain-Policies"] != "none" ||
                headers["Origin-Agent-Cluster"] != "?1" || headers["X-DNS-Prefetch-Control"] != "off" ||
                headers.StrictTransportSecurity != Hsts.ToString() || headers["Permissions-Policy"] != _permissionsPolicy ||
                _permissionsPolicy.Count != 1 || headers.Count != 10)
            {
                throw new InvalidOperationException($"{name} sent another header set: " +
                    string.Join("; ", headers.Select(h => h.Key + ": " + h.Value)));
            }
        }
    }

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    public void Bare() => _bareServer.Run(_bare);

    [Benchmark(Description = "hand-written OnStarting")]
    public void HandWritten() => _handWrittenServer.Run(_handWritten);

    [Benchmark(Description = "NetEscapades 1.3.1")]
    public void NetEscapades() => _netEscapadesServer.Run(_netEscapades);

    [Benchmark(Description = "Security.Headers")]
    public void Ours() => _oursServer.Run(_ours);

    [Benchmark(Description = "Security.Headers + DNT echo")]
    public void OursWithDoNotTrackEcho() => _oursDoNotTrackServer.Run(_oursDoNotTrack);

    [Benchmark(Description = "Security.Headers, fingerprint removal off")]
    public void OursWithoutFingerprintRemoval() => _oursNoFingerprintsServer.Run(_oursNoFingerprints);

    [Benchmark(Description = "Security.Headers + path rules")]
    public void OursWithPathRules() => _oursPathRulesServer.Run(_oursPathRules);

    private static ServiceProvider Services(Action<IServiceCollection>? more = null, Action<Security.Headers.SecurityHeadersOptions>? configure = null)
    {
        var collection = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddRouting()
            .AddSecurityHeaders(configure).Services;
        more?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    private static Task HandWrittenHeaders(object state)
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XFrameOptions = Deny;
        headers["Referrer-Policy"] = SameOrigin;
        headers.XContentTypeOptions = NoSniff;
        headers["Cross-Origin-Opener-Policy"] = SameOrigin;
        headers["Cross-Origin-Resource-Policy"] = SameOrigin;
        headers["X-Permitted-Cross-Domain-Policies"] = None;
        headers["Origin-Agent-Cluster"] = AgentCluster;
        headers["X-DNS-Prefetch-Control"] = Off;
        headers["Permissions-Policy"] = _permissionsPolicy;
        if (context.Request.IsHttps)
        {
            headers.StrictTransportSecurity = Hsts;
        }

        headers.Remove("Server");
        return Task.CompletedTask;
    }
}

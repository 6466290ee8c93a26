using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Security.Benchmarks;

/// <summary>
/// One anonymous page request (no cookie: a first visit, or a bot) through a whole pipeline in process: plain
/// (session, cookie authentication, authorization) against hardened (the same plus headers, CSP with a nonce policy,
/// session expiry, login-required and password expiry, in the sample's order). TestServer's own cost is in both rows,
/// so the difference between them is what the Security.* packages add per request.
/// </summary>
[MemoryDiagnoser]
public class AnonymousPageBenchmarks
{
    private const string Page = "<!DOCTYPE html><html><head><title>Home</title></head><body><h1>Welcome</h1></body></html>";

    private WebApplication _plain = null!;
    private WebApplication _hardened = null!;
    private TestServer _plainServer = null!;
    private TestServer _hardenedServer = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _plain = await StartAsync(hardened: false);
        _hardened = await StartAsync(hardened: true);
        _plainServer = _plain.GetTestServer();
        _hardenedServer = _hardened.GetTestServer();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _plain.DisposeAsync();
        await _hardened.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpContext> Plain() => _plainServer.SendAsync(static c => c.Request.Path = "/");

    [Benchmark]
    public Task<HttpContext> Hardened() => _hardenedServer.SendAsync(static c => c.Request.Path = "/");

    private static async Task<WebApplication> StartAsync(bool hardened)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDistributedMemoryCache();
        builder.Services.AddSession();
        builder.Services.AddAuthentication("Cookies").AddCookie("Cookies", o => o.LoginPath = "/login");
        builder.Services.AddAuthorization();
        if (hardened)
        {
            builder.Services.AddSecurityHeaders();
            builder.Services.AddSecurityCsp(o => o.UsePolicy(p =>
            {
                p.DefaultSrc().Self();
                p.ScriptSrc().Self().WithNonce();
                p.ObjectSrc().None();
                p.BaseUri().Self();
            }));
            builder.Services.AddSessionExpiry();
            builder.Services.AddLoginRequired();
            builder.Services.AddPasswordExpiry(o => o.ChangePasswordUrl = "/change-password");
        }

        var app = builder.Build();
        if (hardened)
        {
            SecurityHeadersApplicationBuilderExtensions.UseSecurityHeaders(app); // NetEscapades, referenced for its benchmarks, has the same name
            app.UseContentSecurityPolicy();
        }

        app.UseRouting();
        app.UseSession();
        app.UseAuthentication();
        if (hardened)
        {
            app.UseSessionExpiry();
            app.UseLoginRequired();
            app.UsePasswordExpiry();
        }

        app.UseAuthorization();
        app.MapGet("/", () => Results.Content(Page, "text/html")).AllowAnonymous();
        await app.StartAsync();
        return app;
    }
}

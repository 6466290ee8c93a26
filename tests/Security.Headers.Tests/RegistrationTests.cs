using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Security.Headers.Tests;

/// <summary>The package's shape: the builder, idempotent registration, its event ids, no per-request allocation.</summary>
public sealed class RegistrationTests
{
    [Test]
    public void AddSecurityHeaders_twice_registers_its_services_once_and_returns_a_builder_on_the_same_services()
    {
        var services = new ServiceCollection();

        var first = services.AddSecurityHeaders(o => o.ReferrerPolicy = "origin");
        var second = services.AddSecurityHeaders(o => o.FrameOptions = "sameorigin");

        Assert.That(first.Services, Is.SameAs(services));
        Assert.That(second.Services, Is.SameAs(services));
        Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<SecurityHeadersOptions>)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IConfigureOptions<SecurityHeadersOptions>)), Is.EqualTo(3), "one binding, two configure actions");
    }

    [Test]
    public void Section_name_is_security_headers()
    {
        Assert.That(SecurityHeadersOptions.SectionName, Is.EqualTo("Security:Headers"));
    }

    [Test]
    public void Event_ids_are_in_the_package_range_and_used_once()
    {
        var ids = typeof(SecurityHeadersOptions).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Is.All.InRange(2000, 2099));
        Assert.That(ids, Is.Unique);
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void A_request_allocates_nothing_for_the_headers(bool pathRules, bool kestrelHeaders)
    {
        using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSecurityHeaders(o =>
            {
                if (pathRules)
                {
                    o.FrameOptionsExcludePaths.Add("^/embed/");
                    o.NoConfidentialCaching.BlacklistEnabled = true;
                    o.NoConfidentialCaching.BlacklistPaths.Add("account/");
                    o.ClearSiteData.Paths.Add("/account/logout");
                }
            })
            .Services.BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseSecurityHeaders();
        app.Run(_ => Task.CompletedTask);
        var pipeline = app.Build();
        var response = new StartingResponseFeature();
        if (kestrelHeaders)
        {
            // Kestrel's own response headers (an internal type): the fingerprint check must not box its enumerator.
            var type = typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions).Assembly
                .GetType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpResponseHeaders", throwOnError: true)!;
            response.Headers = (IHeaderDictionary)Activator.CreateInstance(type, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, null, [null], null)!;
        }

        var context = new DefaultHttpContext();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(response);
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("example.com");
        context.Request.Path = "/account/logout";

        // Synchronous on purpose: the pipeline finishes synchronously, and a Debug async state machine would allocate.
        void Requests(int count)
        {
            for (var i = 0; i < count; i++)
            {
                if (!pipeline(context).IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException("The pipeline did not finish synchronously.");
                }

                response.Start();
            }
        }

        // Warm-up: the header dictionary's entries and the callback list exist after the first request.
        Requests(100);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Requests(1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(context.Response.Headers.XFrameOptions.ToString(), Is.EqualTo("DENY"));
        Assert.That(context.Response.Headers.StrictTransportSecurity.ToString(), Does.StartWith("max-age="));
        Assert.That(context.Response.Headers.CacheControl.Count, Is.EqualTo(pathRules ? 1 : 0));
        Assert.That(allocated, Is.Zero);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Profiling.Tests;

public sealed class DisabledProfilingTests
{
    [Test]
    public async Task Disabled_by_default_header_present_yields_nothing()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/hello", () => "hello"), o => o.Enabled = false);
        await using var _ = app;

        var context = await app.SendAsync("/hello");

        Assert.That(context.Body(), Is.EqualTo("hello"));
        Assert.That(context.ServerTiming(), Is.Null);
        Assert.That(logs.Profiling, Is.Empty);
    }

    [TestCase(false, 0)]
    [TestCase(true, 1)]
    public void Use_adds_the_middleware_only_when_enabled(bool enabled, int middlewareCount)
    {
        using var services = Services(new Dictionary<string, string?> { ["Security:Profiling:Enabled"] = enabled ? "true" : "false" });
        var builder = new CountingApplicationBuilder(services);

        var returned = builder.UseSecurityProfiling();

        Assert.That(returned, Is.SameAs(builder));
        Assert.That(builder.MiddlewareCount, Is.EqualTo(middlewareCount));
    }

    [Test]
    public void Default_options_are_off_with_the_original_header()
    {
        var options = new SecurityProfilingOptions();

        Assert.That(options.Enabled, Is.False);
        Assert.That(options.HeaderName, Is.EqualTo("X-Profile"));
        Assert.That(options.AuthorizationPolicy, Is.Null);
    }

    [Test]
    public async Task Configuration_enables_it_and_code_wins()
    {
        await using var fromConfiguration = await TestHost.StartAsync(
            s => s.AddSecurityProfiling(),
            app => { app.UseSecurityProfiling(); app.MapGet("/hello", () => "hello"); },
            new Dictionary<string, string?> { ["Security:Profiling:Enabled"] = "true", ["Security:Profiling:HeaderName"] = "X-Trace-Me" });
        await using var codeWins = await TestHost.StartAsync(
            s => s.AddSecurityProfiling(o => o.Enabled = false),
            app => { app.UseSecurityProfiling(); app.MapGet("/hello", () => "hello"); },
            new Dictionary<string, string?> { ["Security:Profiling:Enabled"] = "true" });

        var profiled = await fromConfiguration.SendAsync("/hello", profile: false, configure: c => c.Request.Headers["X-Trace-Me"] = "1");
        var notProfiled = await codeWins.SendAsync("/hello");

        Assert.That(profiled.ServerTiming(), Is.Not.Null);
        Assert.That(notProfiled.ServerTiming(), Is.Null);
    }

    [Test]
    public void Use_without_Add_is_an_error_that_says_what_to_call()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        Assert.That(() => new CountingApplicationBuilder(services).UseSecurityProfiling(),
            Throws.InvalidOperationException.With.Message.Contains("AddSecurityProfiling"));
    }

    private static ServiceProvider Services(Dictionary<string, string?> configuration) => new ServiceCollection()
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
        .AddLogging()
        .AddSecurityProfiling()
        .Services.BuildServiceProvider();

    /// <summary>An application builder that counts the middleware added to it.</summary>
    private sealed class CountingApplicationBuilder(IServiceProvider services) : IApplicationBuilder
    {
        public int MiddlewareCount { get; private set; }

        public IServiceProvider ApplicationServices { get; set; } = services;

        public IFeatureCollection ServerFeatures { get; } = new FeatureCollection();

        public IDictionary<string, object?> Properties { get; } = new Dictionary<string, object?>();

        public IApplicationBuilder Use(Func<RequestDelegate, RequestDelegate> middleware)
        {
            MiddlewareCount++;
            return this;
        }

        public IApplicationBuilder New() => new CountingApplicationBuilder(ApplicationServices);

        public RequestDelegate Build() => _ => Task.CompletedTask;
    }
}

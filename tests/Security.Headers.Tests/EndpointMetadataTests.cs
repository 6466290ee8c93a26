using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Security.Headers.Tests;

/// <summary>
/// Endpoint metadata is read when the response starts: it is honoured on endpoints added after
/// startup and on endpoints set by custom code outside routing.
/// </summary>
public sealed class EndpointMetadataTests
{
    [Test]
    public async Task Metadata_on_an_endpoint_added_after_startup_is_honoured()
    {
        var source = new ChangingEndpointDataSource();
        await using var host = await HeadersHost.StartAsync(endpoints: app =>
        {
            app.MapGet("/", () => "home");
            ((IEndpointRouteBuilder)app).DataSources.Add(source);
        });

        using (var before = await host.GetAsync("/"))
        {
            Assert.That(before.Header("X-Frame-Options"), Is.EqualTo("DENY"), "no endpoint carries metadata yet");
        }

        source.Add(new RouteEndpointBuilder(
            context => context.Response.WriteAsync("secret"), RoutePatternFactory.Parse("/secret"), order: 0)
        {
            Metadata = { new ConfidentialAttribute(), new FrameOptionsAttribute("sameorigin") },
        }.Build());

        using var response = await host.GetAsync("/secret");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("secret"));
            Assert.That(response.Header("Cache-Control"), Is.EqualTo("no-cache, no-store, max-age=0, must-revalidate"));
            Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("SAMEORIGIN"));
        }
    }

    [Test]
    public async Task Endpoint_set_by_custom_code_without_routing_services_is_honoured()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSecurityHeaders()
            .Services.BuildServiceProvider();
        Assert.That(services.GetService<EndpointDataSource>(), Is.Null, "no routing services");
        var app = new ApplicationBuilder(services);
        app.UseSecurityHeaders();
        app.Use((context, next) =>
        {
            context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new DisableSecurityHeadersAttribute()), "custom"));
            return next(context);
        });
        app.Run(context => context.Response.StartAsync());
        var pipeline = app.Build();

        var responseFeature = new StartingResponseFeature();
        var context = new DefaultHttpContext();
        context.Features.Set<Microsoft.AspNetCore.Http.Features.IHttpResponseFeature>(responseFeature);
        await pipeline(context);
        responseFeature.Start();

        Assert.That(context.Response.Headers.XFrameOptions.Count, Is.Zero, "the endpoint disabled the headers");
    }

    private sealed class ChangingEndpointDataSource : EndpointDataSource
    {
        private readonly List<Endpoint> _endpoints = [];
        private CancellationTokenSource _changed = new();

        public override IReadOnlyList<Endpoint> Endpoints => _endpoints;

        public override IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

        public void Add(Endpoint endpoint)
        {
            _endpoints.Add(endpoint);
            var changed = _changed;
            _changed = new CancellationTokenSource();
            changed.Cancel();
        }
    }
}

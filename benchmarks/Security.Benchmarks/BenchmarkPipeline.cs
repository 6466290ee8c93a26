using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Security.Benchmarks;

/// <summary>The in-process pipelines the middleware suites run: the middleware under test, then an endpoint that answers 200.</summary>
internal static class BenchmarkPipeline
{
    public static RequestDelegate Build(IServiceProvider services, Action<IApplicationBuilder> configure)
    {
        var app = new ApplicationBuilder(services);
        configure(app);
        app.Run(context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        return app.Build();
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Security.CrossOrigin;

namespace Security.CrossOrigin.Tests;

/// <summary>A passing request allocates nothing: a thousand of each kind, measured on this thread.</summary>
public class AllocationTests
{
    [TestCase("GET", "none", "navigate", "document", null)]
    [TestCase("POST", "same-origin", "cors", "empty", "https://example.com")]
    [TestCase("POST", null, null, null, "https://example.com")]
    [TestCase("POST", null, null, null, null)]
    [TestCase("GET", "cross-site", "navigate", "document", null)]
    [TestCase("GET", "cross-site", "no-cors", "image", null)]
    public void Passing_request_allocates_nothing(string method, string? site, string? mode, string? dest, string? origin)
    {
        // Isolation on except for the cross-site image, which only the default mode lets through.
        var isolation = dest != "image";
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddCrossOriginProtection(o => o.Mode = isolation ? CrossOriginProtectionMode.ResourceIsolation : CrossOriginProtectionMode.RequestForgery)
            .Services.BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseCrossOriginProtection();
        app.Run(c =>
        {
            c.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        var pipeline = app.Build();
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("example.com");
        context.Request.Path = "/orders";
        Set(context, "Sec-Fetch-Site", site);
        Set(context, "Sec-Fetch-Mode", mode);
        Set(context, "Sec-Fetch-Dest", dest);
        Set(context, "Origin", origin);
        if (method == "POST")
        {
            context.Request.ContentType = "application/x-www-form-urlencoded";
        }

        void Requests(int count)
        {
            for (var i = 0; i < count; i++)
            {
                context.Response.StatusCode = 0;
                // Synchronous on purpose: the pipeline finishes synchronously, and a Debug async state machine would allocate.
                if (!pipeline(context).IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException("The pipeline did not finish synchronously.");
                }
            }
        }

        Requests(100);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Requests(1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(context.Response.StatusCode, Is.EqualTo(200), "the request passed");
        Assert.That(allocated, Is.Zero);
    }

    private static void Set(HttpContext context, string name, string? value)
    {
        if (value is not null)
        {
            context.Request.Headers[name] = value;
        }
    }
}

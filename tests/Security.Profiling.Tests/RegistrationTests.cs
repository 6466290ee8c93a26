using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Profiling.Sampling.Internal;
using Security.Testing;

namespace Security.Profiling.Tests;

/// <summary>The package's shape: the builder and its add-on, idempotent registration, the errors naming AddSecurityProfiling, its event ids.</summary>
public sealed class RegistrationTests
{
    [Test]
    public void AddSecurityProfiling_twice_registers_its_services_once_and_returns_a_builder_on_the_same_services()
    {
        var services = new ServiceCollection();

        var first = services.AddSecurityProfiling(o => o.Enabled = true);
        var second = services.AddSecurityProfiling(o => o.HeaderName = "X-Trace-Me").AddSampling().AddSampling();

        Assert.That(first.Services, Is.SameAs(services));
        Assert.That(second.Services, Is.SameAs(services));
        Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<SecurityProfilingOptions>)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IHostedService)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(IConfigureOptions<SecurityProfilingOptions>)), Is.EqualTo(3), "one binding, two configure actions");
        Assert.That(services.Count(d => d.ServiceType == typeof(IProfilingSampler)), Is.EqualTo(1));
    }

    [Test]
    public async Task Both_configure_actions_of_two_AddSecurityProfiling_calls_apply_in_order()
    {
        await using var app = await TestHost.StartAsync(
            s =>
            {
                s.AddSecurityProfiling(o => o.Enabled = true);
                s.AddSecurityProfiling(o => o.HeaderName = "X-Trace-Me");
            },
            app =>
            {
                app.UseSecurityProfiling();
                app.MapGet("/hello", () => "hello");
            });

        var profiled = await app.SendAsync("/hello", profile: false, configure: c => c.Request.Headers["X-Trace-Me"] = "1");

        Assert.That(profiled.ServerTiming(), Is.Not.Null);
    }

    [Test]
    public void MapSecurityProfiles_without_AddSecurityProfiling_is_an_error_that_says_what_to_call()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(null, app => app.MapSecurityProfiles()));

        Assert.That(error!.Message, Does.Contain("services.AddSecurityProfiling()"));
    }

    [Test]
    public void Event_ids_are_in_the_package_range_and_used_once()
    {
        var ids = new[] { typeof(SecurityProfilingOptions).Assembly, typeof(EventPipeSampler).Assembly }
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.That(ids, Has.Count.GreaterThanOrEqualTo(6));
        Assert.That(ids, Is.All.InRange(6000, 6099));
        Assert.That(ids, Is.Unique);
    }
}

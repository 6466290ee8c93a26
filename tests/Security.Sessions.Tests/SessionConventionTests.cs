using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Testing;

namespace Security.Sessions.Tests;

/// <summary>
/// The shape every Security.* package shares: <c>AddSessionExpiry</c> twice registers once and applies every
/// configure, <c>UseSessionExpiry</c> without it names it, a list option given a single string fails at startup, and
/// the event ids stay in 4000-4099.
/// </summary>
public class SessionConventionTests
{
    [Test]
    public void AddSessionExpiry_twice_registers_once_and_applies_both_configures_in_order()
    {
        var first = new ServiceCollection();
        first.AddSessionExpiry(o => o.ExemptPaths.Add("x"));
        var twice = new ServiceCollection();
        twice.AddSessionExpiry(o => o.ExemptPaths.Add("x"));
        twice.AddSessionExpiry(o => o.ExemptPaths.Add("x"));
        Assert.That(twice.Skip(first.Count).Select(d => d.ServiceType), Is.EqualTo(new[] { typeof(IConfigureOptions<SessionExpiryOptions>) }));

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Security:Sessions:ExemptPaths:0"] = "config$" }).Build());
        services.AddSessionExpiry(o => { o.InactivityTimeout = TimeSpan.FromMinutes(1); o.ExemptPaths.Add("first$"); });
        services.AddSessionExpiry(o => { o.InactivityTimeout = TimeSpan.FromMinutes(2); o.ExemptPaths.Add("second$"); });
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<SessionExpiryOptions>>().Value;

        Assert.That(options.InactivityTimeout, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(options.ExemptPaths, Is.EqualTo(new[] { "config$", "first$", "second$" }), "bound once, before both");
    }

    [Test]
    public void AddSessionExpiry_returns_its_builder_over_the_services()
    {
        var services = new ServiceCollection();
        Assert.That(services.AddSessionExpiry().Services, Is.SameAs(services));
    }

    [Test]
    public void UseSessionExpiry_without_AddSessionExpiry_fails_at_startup_naming_it()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(
            services =>
            {
                services.AddDistributedMemoryCache();
                services.AddSession();
            },
            app =>
            {
                app.UseSession();
                app.UseSessionExpiry();
            }));
        Assert.That(error!.Message, Does.Contain("call services.AddSessionExpiry()"));
    }

    [Test]
    public void Exempt_paths_given_a_single_string_fail_at_startup_naming_the_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(
            services => services.AddSessionExpiry(),
            _ => { },
            new Dictionary<string, string?> { ["Security:Sessions:ExemptPaths"] = "health$" }));
        Assert.That(error!.Message, Does.Contain("Security:Sessions:ExemptPaths: 'health$' must be a list"));
    }

    [Test]
    public void Event_ids_are_unique_and_within_4000_to_4099()
    {
        var ids = LoggerMessageIds.Of(typeof(SessionExpiryOptions).Assembly);
        Assert.That(ids, Has.Length.EqualTo(10));
        Assert.That(ids, Is.All.InRange(4000, 4099));
        Assert.That(ids, Is.Unique);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>What the AddEntityFrameworkStore builder calls register.</summary>
public sealed class RegistrationTests
{
    private static ServiceProvider Build(IDictionary<string, string?>? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
        var builders = StoreBuilders.WithInMemoryDefaults(services);
        Action<DbContextOptionsBuilder> db = o => o.UseSqlite("Data Source=:memory:");
        Assert.That(builders.Csp.AddEntityFrameworkStore(db), Is.SameAs(builders));
        Assert.That(builders.Expiry.AddEntityFrameworkStore(db), Is.SameAs(builders));
        Assert.That(builders.Throttle.AddEntityFrameworkStore(db), Is.SameAs(builders));
        return services.BuildServiceProvider();
    }

    [Test]
    public void Each_call_replaces_the_in_memory_store()
    {
        using var provider = Build();

        Assert.That(provider.GetServices<ICspReportStore>().Single().GetType().Name, Does.StartWith("EfCspReportStore"));
        Assert.That(provider.GetServices<IPasswordExpiryStore>().Single().GetType().Name, Does.StartWith("EfPasswordExpiryStore"));
        Assert.That(provider.GetServices<IThrottleCounterStore>().Single().GetType().Name, Does.StartWith("EfThrottleCounterStore"));
    }

    [Test]
    public void Three_calls_register_one_clean_up_service()
    {
        using var provider = Build();

        Assert.That(provider.GetServices<IHostedService>().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Table_names_bind_from_configuration()
    {
        await using var provider = Build(new Dictionary<string, string?>
        {
            ["Security:Storage:CspReportTable"] = "my_reports",
            ["Security:Storage:ThrottleCounterLifetime"] = "01:00:00",
        });
        await using var context = await provider.GetRequiredService<IDbContextFactory<SecurityDbContext>>().CreateDbContextAsync();

        Assert.That(context.Model.GetEntityTypes().Select(e => e.GetTableName()), Does.Contain("my_reports"));
        Assert.That(provider.GetRequiredService<IOptions<SecurityStoreOptions>>().Value.ThrottleCounterLifetime, Is.EqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public void Invalid_options_fail_at_startup_naming_each_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = await TestHost.StartAsync(
                services =>
                {
                    var builders = StoreBuilders.WithInMemoryDefaults(services);
                    builders.Throttle.AddEntityFrameworkStore(db => db.UseSqlite("Data Source=:memory:"));
                },
                app => { },
                new Dictionary<string, string?>
                {
                    ["Security:Storage:Cleanup:BatchSize"] = "0",
                    ["Security:Storage:Cleanup:Interval"] = "-00:01:00",
                });
        });

        Assert.That(error!.Failures, Has.Some.Contains("Security:Storage:Cleanup:BatchSize"));
        Assert.That(error.Failures, Has.Some.Contains("Security:Storage:Cleanup:Interval"));
    }

    [Test]
    public void Schema_step_without_a_registered_context_says_what_to_call()
    {
        using var provider = new ServiceCollection().BuildServiceProvider();

        Assert.That(async () => await SecuritySchema.CreateAsync(provider), Throws.InvalidOperationException.With.Message.Contains("AddEntityFrameworkStore"));
    }
}

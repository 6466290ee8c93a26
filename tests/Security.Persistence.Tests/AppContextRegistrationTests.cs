using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>
/// An app that already registers its context with <c>AddDbContext</c> (every template app) and hands it to the stores:
/// the registration the README gives must satisfy scope validation (Development, <c>dotnet ef</c>) and Identity alike.
/// </summary>
public sealed class AppContextRegistrationTests
{
    private static readonly ServiceProviderOptions Validated = new() { ValidateScopes = true };

    [Test]
    public void AddDbContextFactory_in_place_of_AddDbContext_serves_the_stores_and_the_scoped_context()
    {
        var services = StoreServices();
        services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        using var provider = services.BuildServiceProvider(Validated);

        Assert.That(provider.GetRequiredService<IPasswordExpiryStore>(), Is.Not.Null);
        using var scope = provider.CreateScope();
        Assert.That(scope.ServiceProvider.GetRequiredService<AppDbContext>(), Is.Not.Null, "Identity's stores and the app's pages take the context itself");
    }

    [Test]
    public void AddDbContext_beside_a_factory_fails_as_the_readme_warns()
    {
        var services = StoreServices();
        services.AddDbContext<AppDbContext>(o => o.UseSqlite("Data Source=:memory:"));
        services.AddDbContextFactory<AppDbContext>();
        using var provider = services.BuildServiceProvider(Validated);

        Assert.That(() => provider.GetRequiredService<IPasswordExpiryStore>(), Throws.InvalidOperationException.With.Message.Contains("scoped service"));
    }

    private static ServiceCollection StoreServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        StoreBuilders.WithInMemoryDefaults(services).Expiry.AddEntityFrameworkStore<AppDbContext>();
        return services;
    }
}

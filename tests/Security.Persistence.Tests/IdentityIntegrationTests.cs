using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>
/// ASP.NET Core Identity and the password expiry store in one database: Security.Auth's user manager writes the
/// record on a password change and deletes it with the user.
/// </summary>
[TestFixture("postgres")]
[TestFixture("sqlite")]
public sealed class IdentityIntegrationTests(string provider)
{
    private FixtureDatabase _database = null!;
    private ServiceProvider _services = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await FixtureDatabase.CreateAsync(provider);
        var configureDb = _database.Configure;

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddDbContext<IdentityDbContext>(configureDb);
        services.AddIdentityCore<IdentityUser>().AddEntityFrameworkStores<IdentityDbContext>().AddPasswordExpiry();
        services.AddPasswordExpiry(o => o.ChangePasswordUrl = "/account/change-password").AddEntityFrameworkStore(configureDb);
        _services = services.BuildServiceProvider();

        // Identity's tables first: EnsureCreated does nothing once the database has any table,
        // while the security schema step only ever adds its own missing tables.
        await using (var scope = _services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.EnsureCreatedAsync();
        }

        await SecuritySchema.CreateAsync(_services);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Changing_the_password_stores_a_record_and_deleting_the_user_deletes_it()
    {
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var store = scope.ServiceProvider.GetRequiredService<IPasswordExpiryStore>();
        var alice = new IdentityUser("alice");
        Assert.That((await users.CreateAsync(alice, "Passw0rd!")).Succeeded, Is.True);

        Assert.That((await users.ChangePasswordAsync(alice, "Passw0rd!", "N3w-Passw0rd!")).Succeeded, Is.True);
        Assert.That(await store.FindAsync(alice.Id), Is.Not.Null);

        Assert.That((await users.DeleteAsync(alice)).Succeeded, Is.True);
        Assert.That(await store.FindAsync(alice.Id), Is.Null);
    }
}

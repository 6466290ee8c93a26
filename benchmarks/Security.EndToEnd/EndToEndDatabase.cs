using Microsoft.AspNetCore.Identity;

namespace Security.EndToEnd;

/// <summary>Creates the Identity tables and the one user the load runs sign in as.</summary>
public static class EndToEndDatabase
{
    public const string AdminRole = "Admin";

    /// <summary>The user benchmarks/e2e.sh signs in as: not an admin, so every per-user check applies.</summary>
    public const string UserName = "bench";

    public const string Password = "Bench-pass-1";

    /// <summary>The Identity tables, in a fresh database (before Security.Persistence adds its own).</summary>
    public static async Task CreateSchemaAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<EndToEndDbContext>().Database.EnsureCreatedAsync();
    }

    /// <summary>The user, once every table exists (the hardened variant records its password change).</summary>
    public static async Task SeedAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        if (await users.FindByNameAsync(UserName) is not null)
        {
            return;
        }

        // Created without a password, then given one: in the hardened variant AddPasswordAsync records
        // the password as changed, so password expiry lets the user through (after reading its record).
        var user = new IdentityUser(UserName) { Email = $"{UserName}@example.test", EmailConfirmed = true };
        Check(await users.CreateAsync(user));
        Check(await users.AddPasswordAsync(user, Password));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Seeding '{UserName}' failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Security.Sample.Data;

/// <summary>Creates the Identity tables and seeds the demo users at start (sample only).</summary>
public static partial class SampleDatabase
{
    public const string AdminRole = "Admin";

    /// <summary>The demo logins seeded at first start: (user name, password, role or null).</summary>
    public static readonly IReadOnlyList<(string UserName, string Password, string? Role)> DemoUsers =
    [
        ("admin", "Admin-pass-1", AdminRole),
        ("alice", "Alice-pass-1", null),
    ];

    /// <summary>Creates the schema when missing, then seeds the role and users that do not exist yet.</summary>
    public static async Task InitializeSampleDatabaseAsync(this IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var provider = scope.ServiceProvider;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SampleDatabase));

        await CreateSchemaAsync(provider.GetRequiredService<SampleDbContext>());

        var roles = provider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(AdminRole))
        {
            Check(await roles.CreateAsync(new IdentityRole(AdminRole)), AdminRole);
        }

        var users = provider.GetRequiredService<UserManager<IdentityUser>>();
        foreach (var (userName, password, role) in DemoUsers)
        {
            if (await users.FindByNameAsync(userName) is not null)
            {
                continue;
            }

            var user = new IdentityUser(userName) { Email = $"{userName}@example.test", EmailConfirmed = true };
            Check(await users.CreateAsync(user, password), userName);
            if (role is not null)
            {
                Check(await users.AddToRoleAsync(user, role), userName);
            }

            Log.UserSeeded(logger, userName);
        }

        foreach (var (userName, password, role) in DemoUsers)
        {
            Log.DemoLogin(logger, userName, password, role ?? "-");
        }
    }

    // EnsureCreated skips a database that already has any table, which happens when the
    // Security.Persistence tables share ConnectionStrings:Security: so check for ours by name.
    private static async Task CreateSchemaAsync(SampleDbContext db)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync())
        {
            await creator.CreateAsync();
        }

        if (db.Database.IsSqlite())
        {
            // Write-ahead logging, kept in the file: readers never wait for a writer nor a writer for readers. In the
            // default rollback journal one slow reader holds every writer, and a waiting writer every new reader, for up
            // to the 30-second busy timeout (seen as page loads that stalled under test load).
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var sql = db.Database.IsNpgsql()
            ? "SELECT count(*) AS \"Value\" FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'AspNetUsers'"
            : "SELECT count(*) AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'AspNetUsers'";
        if (await db.Database.SqlQueryRaw<int>(sql).SingleAsync() == 0)
        {
            await creator.CreateTablesAsync();
        }
    }

    private static void Check(IdentityResult result, string name)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Seeding '{name}' failed: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Seeded demo user '{UserName}'.")]
        public static partial void UserSeeded(ILogger logger, string userName);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Demo login: {UserName} / {Password} (role: {Role})")]
        public static partial void DemoLogin(ILogger logger, string userName, string password, string role);
    }
}

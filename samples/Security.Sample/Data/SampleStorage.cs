using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Security.Sample.Data;

/// <summary>Reads <c>Security:Storage:Provider</c> and <c>ConnectionStrings:Security</c>.</summary>
public static class SampleStorage
{
    public const string ProviderKey = "Security:Storage:Provider";
    public const string ConnectionStringName = "Security";

    /// <summary>Registers <see cref="SampleDbContext"/> on SQLite (default) or PostgreSQL.</summary>
    public static IServiceCollection AddSampleDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment) =>
        services.AddDbContext<SampleDbContext>(Database(configuration, environment));

    /// <summary>
    /// The database chosen by <c>Security:Storage:Provider</c> and <c>ConnectionStrings:Security</c>,
    /// as an EF Core options callback: used for the app's Identity tables and the Security.* stores.
    /// </summary>
    public static Action<DbContextOptionsBuilder> Database(IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = configuration[ProviderKey] ?? "Sqlite";
        var connectionString = configuration.GetConnectionString(ConnectionStringName);

        if (string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var sqlite = ResolveSqlite(connectionString, environment.ContentRootPath);
            return db => db.UseSqlite(sqlite);
        }

        if (string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is required when {ProviderKey} is 'Postgres'.");
            }

            return db => db.UseNpgsql(connectionString);
        }

        throw new InvalidOperationException($"{ProviderKey} is '{provider}'; allowed values: 'Sqlite', 'Postgres'.");
    }

    // SQLite resolves a relative file against the process's working directory, which differs
    // between `dotnet run --project ...` and the IDE: anchor it at the content root instead,
    // and create the folder so a fresh clone starts without a setup step.
    private static string ResolveSqlite(string? connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(connectionString) ? "Data Source=App_Data/security-sample.db" : connectionString);

        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }

        return builder.ToString();
    }
}

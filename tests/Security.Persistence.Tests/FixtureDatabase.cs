using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>
/// A fresh database for one test fixture: a real PostgreSQL database (<c>"postgres"</c>) or a
/// temporary SQLite file (<c>"sqlite"</c>); disposing drops or deletes it.
/// </summary>
internal sealed class FixtureDatabase : IAsyncDisposable
{
    private readonly PostgresDatabase? _postgres;
    private readonly string? _sqlitePath;

    private FixtureDatabase(PostgresDatabase? postgres, string? sqlitePath)
    {
        _postgres = postgres;
        _sqlitePath = sqlitePath;
        Configure = postgres is not null
            ? db => db.UseNpgsql(postgres.ConnectionString)
            : db => db.UseSqlite("Data Source=" + sqlitePath);
    }

    public bool IsPostgres => _postgres is not null;

    /// <summary>Points an EF Core context at this database.</summary>
    public Action<DbContextOptionsBuilder> Configure { get; }

    public static async Task<FixtureDatabase> CreateAsync(string provider) => provider == "postgres"
        ? new FixtureDatabase(await PostgresServer.CreateDatabaseAsync(), null)
        : new FixtureDatabase(null, Path.Combine(Path.GetTempPath(), $"security-fixture-{Guid.NewGuid():N}.db"));

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        else
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_sqlitePath!);
        }
    }
}

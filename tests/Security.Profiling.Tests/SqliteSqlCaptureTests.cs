using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Security.Profiling.Tests;

/// <summary>SQL capture on a real SQLite file database.</summary>
public sealed class SqliteSqlCaptureTests : SqlCaptureTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"security-profiling-{Guid.NewGuid():N}.db");

    private protected override void UseDatabase(DbContextOptionsBuilder options) => options.UseSqlite($"Data Source={_file}");

    private protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    private protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
        return Task.CompletedTask;
    }
}

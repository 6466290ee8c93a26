using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Security.Persistence.Tests;

/// <summary>The store contract on SQLite, in a temporary database file.</summary>
[TestFixture]
public sealed class SqliteStoreContractTests : EfStoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"security-{Guid.NewGuid():N}.db");

    protected override Action<DbContextOptionsBuilder> ConfigureDb => EfStoreHost.Sqlite(_path);

    protected override Action<DbContextOptionsBuilder> UnreachableDb =>
        EfStoreHost.Sqlite(Path.Combine(Path.GetTempPath(), "no-such-folder-" + Guid.NewGuid().ToString("N"), "x.db"));

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in (string[])[_path, _path + "-wal", _path + "-shm", _path + "-journal"])
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    protected override Task RejectSenderIpAsync(string senderIp) => Host.ExecuteAsync(
        $"CREATE TRIGGER reject_ip BEFORE INSERT ON security_csp_reports WHEN NEW.sender_ip = '{senderIp}' BEGIN SELECT RAISE(ABORT, 'rejected'); END");

    protected override async Task<IReadOnlyList<string>> TableNamesAsync()
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path }.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [TearDown]
    public Task DropRejection() => Host.ExecuteAsync("DROP TRIGGER IF EXISTS reject_ip");
}

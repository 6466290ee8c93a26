using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Security.Persistence.Tests;

/// <summary>The store contract on SQLite, in a temporary database file.</summary>
[TestFixture]
public sealed class SqliteStoreContractTests : EfStoreContractTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"security-{Guid.NewGuid():N}.db");

    // Every instance's connections have the function the outage trigger calls.
    protected override Action<DbContextOptionsBuilder> ConfigureDb => db => EfStoreHost.Sqlite(_path)(db.AddInterceptors(DiskErrorFunction.Instance));

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

    protected override Task StartOutageOnBlockedUriAsync(string blockedUri) => Host.ExecuteAsync(
        $"CREATE TRIGGER outage BEFORE INSERT ON security_csp_reports WHEN NEW.blocked_uri = '{blockedUri}' BEGIN SELECT disk_io_error(); END");

    protected override Task EndOutageAsync() => Host.ExecuteAsync("DROP TRIGGER IF EXISTS outage");

    protected override string TableNamesQuery =>
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

    [TearDown]
    public async Task DropFaults()
    {
        await Host.ExecuteAsync("DROP TRIGGER IF EXISTS reject_ip");
        await EndOutageAsync();
    }

    /// <summary>Gives each connection <c>disk_io_error()</c>, which fails as a failing disk does (SQLITE_IOERR).</summary>
    private sealed class DiskErrorFunction : DbConnectionInterceptor
    {
        public static readonly DiskErrorFunction Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Register(connection);
            return Task.CompletedTask;
        }

        private static void Register(DbConnection connection) =>
            ((SqliteConnection)connection).CreateFunction<int>("disk_io_error", () => throw new SqliteException("disk I/O error", 10));
    }
}

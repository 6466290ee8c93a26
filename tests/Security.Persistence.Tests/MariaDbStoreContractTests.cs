using Microsoft.EntityFrameworkCore;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>
/// The store contract on a real MariaDB server (Debian's <c>mariadb-server</c>, started by the tests) through
/// <c>MySql.EntityFrameworkCore</c>: the generic path on a provider this package knows nothing about.
/// </summary>
/// <remarks>
/// MySql.EntityFrameworkCore (Oracle's provider, written for MySQL 8) does two things the generic path has to meet:
/// it translates <c>ExecuteDelete</c> to <c>DELETE FROM t AS alias</c>, which MariaDB before 11.6 refuses (so the
/// stores delete with a plain statement), and its driver leaves <c>SqlState</c> empty (so conflicts and bad data are
/// told apart by the server's error number).
/// </remarks>
[TestFixture]
public sealed class MariaDbStoreContractTests : EfStoreContractTests
{
    private MariaDbDatabase _database = null!;

    // A bounded pool, as an app would have: 200 connections opened at once overrun the server's handshakes on 2 cores.
    protected override Action<DbContextOptionsBuilder> ConfigureDb => EfStoreHost.MariaDb(_database.ConnectionString + ";Maximum Pool Size=20;Connection Timeout=60");

    protected override Action<DbContextOptionsBuilder> UnreachableDb => EfStoreHost.MariaDb(
        $"Server=127.0.0.1;Port={FreePort.Next()};Database=none;User ID=none;Password=none;SslMode=Disabled;Connection Timeout=2");

    protected override async Task CreateDatabaseAsync()
    {
        // MySql.Data blocks a thread while the server makes a statement wait (a row lock held by another increment):
        // fifty concurrent increments of one counter then starve the thread pool, which adds about two threads a
        // second (50 increments took 16 s, 200 did not finish in 150 s). The README tells apps on this driver the same.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 256), io);
        _database = await MariaDbServer.CreateDatabaseAsync();
    }

    protected override async Task DropDatabaseAsync() => await _database.DisposeAsync();

    protected override Task RejectSenderIpAsync(string senderIp) => Host.ExecuteAsync(
        $"ALTER TABLE security_csp_reports ADD CONSTRAINT reject_ip CHECK (sender_ip IS NULL OR sender_ip <> '{senderIp}')");

    // The insert fails as a lost connection does (SQLSTATE class 08), not for its data.
    protected override Task StartOutageOnBlockedUriAsync(string blockedUri) => Host.ExecuteAsync(
        $"""
        CREATE TRIGGER outage BEFORE INSERT ON security_csp_reports FOR EACH ROW
        BEGIN
            IF NEW.blocked_uri = '{blockedUri}' THEN SIGNAL SQLSTATE '08S01' SET MESSAGE_TEXT = 'outage'; END IF;
        END
        """);

    protected override Task EndOutageAsync() => Host.ExecuteAsync("DROP TRIGGER IF EXISTS outage");

    protected override string TableNamesQuery =>
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name";

    [TearDown]
    public async Task DropFaults()
    {
        await Host.ExecuteAsync("ALTER TABLE security_csp_reports DROP CONSTRAINT IF EXISTS reject_ip");
        await EndOutageAsync();
    }
}

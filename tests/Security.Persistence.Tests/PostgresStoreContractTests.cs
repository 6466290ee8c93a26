using Microsoft.EntityFrameworkCore;
using Npgsql;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>The store contract on a real PostgreSQL server, in a fresh database.</summary>
[TestFixture]
public sealed class PostgresStoreContractTests : EfStoreContractTests
{
    private PostgresDatabase _database = null!;

    // A pool smaller than the test's concurrency, as in production: 2 instances x 20 stay below max_connections.
    protected override Action<DbContextOptionsBuilder> ConfigureDb => EfStoreHost.Postgres(
        new NpgsqlConnectionStringBuilder(_database.ConnectionString) { MaxPoolSize = 20 }.ConnectionString);

    protected override Action<DbContextOptionsBuilder> UnreachableDb => EfStoreHost.Postgres(
        new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = FreePort.Next(), Timeout = 2 }.ConnectionString);

    protected override async Task CreateDatabaseAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    protected override async Task DropDatabaseAsync() => await _database.DisposeAsync();

    protected override Task RejectSenderIpAsync(string senderIp) => Host.ExecuteAsync(
        $"ALTER TABLE security_csp_reports ADD CONSTRAINT reject_ip CHECK (sender_ip IS DISTINCT FROM '{senderIp}') NOT VALID");

    protected override async Task<IReadOnlyList<string>> TableNamesAsync()
    {
        await using var connection = await _database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    [TearDown]
    public Task DropRejection() => Host.ExecuteAsync("ALTER TABLE security_csp_reports DROP CONSTRAINT IF EXISTS reject_ip");
}

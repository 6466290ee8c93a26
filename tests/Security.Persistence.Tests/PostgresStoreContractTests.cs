using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>
/// The store contract on a real PostgreSQL server, in a fresh database: once with PostgreSQL's fast paths, once with
/// the generic path (EF Core's own) that every other provider takes.
/// </summary>
[TestFixture(false, TestName = "PostgresStoreContractTests(fast paths)")]
[TestFixture(true, TestName = "PostgresStoreContractTests(generic path)")]
public sealed class PostgresStoreContractTests(bool genericPathOnly) : EfStoreContractTests
{
    private PostgresDatabase _database = null!;

    protected override void ConfigureInstance(IServiceCollection services) =>
        services.Configure<SecurityStoreOptions>(o => o.GenericPathOnly = genericPathOnly);

    // A pool smaller than the test's concurrency, as in production: 2 instances x 20 stay below max_connections.
    protected override Action<DbContextOptionsBuilder> ConfigureDb => EfStoreHost.Postgres(
        new NpgsqlConnectionStringBuilder(_database.ConnectionString) { MaxPoolSize = 20 }.ConnectionString);

    protected override Action<DbContextOptionsBuilder> UnreachableDb => EfStoreHost.Postgres(
        new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = FreePort.Next(), Timeout = 2 }.ConnectionString);

    protected override async Task CreateDatabaseAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    protected override async Task DropDatabaseAsync() => await _database.DisposeAsync();

    protected override Task RejectSenderIpAsync(string senderIp) => Host.ExecuteAsync(
        $"ALTER TABLE security_csp_reports ADD CONSTRAINT reject_ip CHECK (sender_ip IS DISTINCT FROM '{senderIp}') NOT VALID");

    // The backend inserting the row terminates itself: the store's connection is lost mid-statement.
    protected override Task StartOutageOnBlockedUriAsync(string blockedUri) => Host.ExecuteAsync(
        $"""
        CREATE FUNCTION outage() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$;
        CREATE TRIGGER outage BEFORE INSERT ON security_csp_reports
        FOR EACH ROW WHEN (NEW.blocked_uri = '{blockedUri}') EXECUTE FUNCTION outage();
        """);

    protected override Task EndOutageAsync() =>
        Host.ExecuteAsync("DROP TRIGGER IF EXISTS outage ON security_csp_reports; DROP FUNCTION IF EXISTS outage()");

    protected override string TableNamesQuery =>
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name";

    [Test]
    public async Task During_an_outage_saves_throw_and_once_the_database_is_back_they_succeed()
    {
        await Host.Csp.SaveAsync([Report(T0, blocked: "before")]);
        await using (var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString))
        {
            await admin.OpenAsync();
            await Execute(admin, $"ALTER DATABASE \"{_database.Name}\" ALLOW_CONNECTIONS false");
            await Execute(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_database.Name}'");
            try
            {
                // Pooled connections are dead and new ones are refused: the writer must see an exception to retry.
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    Assert.That(
                        async () => await Host.Csp.SaveAsync([Report(T0, blocked: "during")]),
                        Throws.InstanceOf<NpgsqlException>().Or.InstanceOf<InvalidOperationException>());
                }
            }
            finally
            {
                await Execute(admin, $"ALTER DATABASE \"{_database.Name}\" ALLOW_CONNECTIONS true");
            }
        }

        await Host.Csp.SaveAsync([Report(T0, blocked: "after")]);

        var blocked = (await Host.Csp.QueryGroupsAsync(new Security.Abstractions.CspReportQuery())).Groups.Select(g => g.BlockedUri);
        Assert.That(blocked, Is.EquivalentTo(new[] { "before", "after" }));

        static async Task Execute(NpgsqlConnection connection, string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    [TearDown]
    public async Task DropFaults()
    {
        await Host.ExecuteAsync("ALTER TABLE security_csp_reports DROP CONSTRAINT IF EXISTS reject_ip");
        await EndOutageAsync();
    }
}

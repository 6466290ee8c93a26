using Npgsql;

namespace Security.Testing;

/// <summary>
/// A fresh, uniquely named database on the test PostgreSQL server, made by
/// <see cref="PostgresServer.CreateDatabaseAsync"/>. Disposing it drops the database.
/// </summary>
/// <example>
/// One database per test class:
/// <code>
/// private PostgresDatabase database = null!;
///
/// [OneTimeSetUp] public async Task CreateDatabase() => database = await PostgresServer.CreateDatabaseAsync();
/// [OneTimeTearDown] public async Task DropDatabase() => await database.DisposeAsync();
/// </code>
/// </example>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;
    private int dropped;

    internal PostgresDatabase(string name, string connectionString, string adminConnectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        this.adminConnectionString = adminConnectionString;
    }

    /// <summary>The database name, e.g. <c>security_test_3f2a…</c>.</summary>
    public string Name { get; }

    /// <summary>A Npgsql connection string to this database, e.g. for <c>UseNpgsql(...)</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Opens a new connection to this database.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Drops the database, closing any connection still open on it. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref dropped, 1) == 1)
        {
            return;
        }

        using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

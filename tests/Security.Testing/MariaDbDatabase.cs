namespace Security.Testing;

/// <summary>
/// A fresh, uniquely named database on the test MariaDB server, made by <see cref="MariaDbServer.CreateDatabaseAsync"/>.
/// Disposing it drops the database.
/// </summary>
public sealed class MariaDbDatabase : IAsyncDisposable
{
    private int dropped;

    internal MariaDbDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The database name, e.g. <c>security_test_3f2a…</c>.</summary>
    public string Name { get; }

    /// <summary>A MySQL connection string to this database, e.g. for <c>UseMySQL(...)</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Drops the database. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref dropped, 1) == 1)
        {
            return;
        }

        await MariaDbServer.ExecuteAsync($"DROP DATABASE IF EXISTS `{Name}`");
    }
}

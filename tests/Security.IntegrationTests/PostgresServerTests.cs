using Npgsql;
using Security.Testing;

namespace Security.IntegrationTests;

public class PostgresServerTests
{
    private PostgresDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase() => database = await PostgresServer.CreateDatabaseAsync();

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public async Task Fresh_database_round_trips_a_row()
    {
        await using var connection = await database.OpenConnectionAsync();
        await ExecuteAsync(connection, "CREATE TABLE greeting (id serial PRIMARY KEY, text text NOT NULL)");
        await using (var insert = new NpgsqlCommand("INSERT INTO greeting (text) VALUES (@text)", connection))
        {
            insert.Parameters.AddWithValue("text", "héllo, postgres");
            await insert.ExecuteNonQueryAsync();
        }

        await using var select = new NpgsqlCommand("SELECT text FROM greeting", connection);
        Assert.That(await select.ExecuteScalarAsync(), Is.EqualTo("héllo, postgres"));
    }

    [Test]
    public async Task Connection_string_points_at_the_fresh_database()
    {
        await using var connection = await database.OpenConnectionAsync();
        Assert.That(await ScalarAsync(connection, "SELECT current_database()"), Is.EqualTo(database.Name));
    }

    [Test]
    public async Task Two_databases_are_distinct_and_see_nothing_of_each_other()
    {
        await using var first = await PostgresServer.CreateDatabaseAsync();
        await using var second = await PostgresServer.CreateDatabaseAsync();
        await using (var connection = await first.OpenConnectionAsync())
        {
            await ExecuteAsync(connection, "CREATE TABLE only_in_first (id int)");
        }

        await using (var connection = await second.OpenConnectionAsync())
        {
            Assert.Multiple(async () =>
            {
                Assert.That(second.Name, Is.Not.EqualTo(first.Name));
                Assert.That(await ScalarAsync(connection, "SELECT to_regclass('only_in_first') IS NULL"), Is.True);
            });
        }
    }

    [Test]
    public async Task Disposed_database_is_dropped_even_with_an_open_connection()
    {
        var temporary = await PostgresServer.CreateDatabaseAsync();
        await using var open = await temporary.OpenConnectionAsync();
        await temporary.DisposeAsync();

        await using var admin = new NpgsqlConnection(await PostgresServer.GetConnectionStringAsync());
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", temporary.Name);
        Assert.That(await exists.ExecuteScalarAsync(), Is.Zero);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

using System.Collections.Concurrent;
using Npgsql;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>
/// The fixture pattern every database test class follows, run as two fixtures ("classes"):
/// each gets its own fresh database in [OneTimeSetUp] and drops it in [OneTimeTearDown].
/// </summary>
[TestFixture("first_class")]
[TestFixture("second_class")]
public class DatabasePerClassTests(string owner)
{
    private static readonly ConcurrentDictionary<string, string> DatabaseByOwner = new();
    private PostgresDatabase database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        database = await PostgresServer.CreateDatabaseAsync();
        DatabaseByOwner[owner] = database.Name;
        await using var connection = await database.OpenConnectionAsync();
        await using var create = new NpgsqlCommand($"CREATE TABLE {owner} (id int)", connection);
        await create.ExecuteNonQueryAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase() => await database.DisposeAsync();

    [Test]
    public void Each_class_gets_a_database_no_other_class_has()
    {
        var names = DatabaseByOwner.Values.ToList();
        Assert.That(names, Is.Unique);
        Assert.That(names, Has.Exactly(1).EqualTo(database.Name));
    }

    [Test]
    public async Task Class_database_holds_only_the_tables_of_that_class()
    {
        await using var connection = await database.OpenConnectionAsync();
        await using var tables = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        var names = new List<string>();
        await using (var reader = await tables.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.That(names, Is.EqualTo(new[] { owner }));
    }
}

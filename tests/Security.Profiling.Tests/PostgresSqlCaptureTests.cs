using Microsoft.EntityFrameworkCore;
using Security.Testing;

namespace Security.Profiling.Tests;

/// <summary>SQL capture on a real PostgreSQL database (a throwaway cluster, or <c>SECURITY_TEST_POSTGRES</c>).</summary>
public sealed class PostgresSqlCaptureTests : SqlCaptureTests
{
    private PostgresDatabase _database = null!;

    private protected override void UseDatabase(DbContextOptionsBuilder options) => options.UseNpgsql(_database.ConnectionString);

    private protected override async Task CreateDatabaseAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    private protected override async Task DropDatabaseAsync() => await _database.DisposeAsync();

    [Test]
    public async Task Npgsql_activities_show_in_the_activity_tree()
    {
        await App.SendAsync("/items/2");

        var profile = Logs.Profiles.Single().Message;
        await TestContext.Out.WriteLineAsync(profile);
        Assert.That(profile, Does.Match(@"\[Npgsql\] \d+\.\d ms"));
    }
}

using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Persistence.Internal.Stores;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>
/// The schema step upgrades a database holding version 1 (the tables as the first package release created them, kept
/// here as its SQL) with reports in place: the group table appears, every stored report is counted in its group, none
/// is lost, and running the step again changes nothing.
/// </summary>
[TestFixture("postgres")]
[TestFixture("sqlite")]
public sealed class SchemaUpgradeTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private FixtureDatabase _database = null!;

    [SetUp]
    public async Task CreateVersion1DatabaseWithReports()
    {
        _database = await FixtureDatabase.CreateAsync(provider);
        var script = await File.ReadAllTextAsync(Path.Combine(
            RepositoryRoot.Find(), "tests", "Security.Persistence.Tests", "Schema", $"v1-{provider}.sql"));
        await ExecuteAsync(script);

        // 25 reports of one group at 11:xx (URLs differing only in their query string), 3 of another, 2 at 12:xx.
        var rows = new List<(string Blocked, string Document, string Directive, DateTimeOffset At)>();
        rows.AddRange(Enumerable.Range(0, 25).Select(i => ("https://cdn.example/a.js?v=" + i, "https://app.example/reset?token=" + i, "script-src-elem", T0.AddHours(-1).AddMinutes(i))));
        rows.AddRange(Enumerable.Range(0, 3).Select(i => ("inline", "https://app.example/", "style-src-attr", T0.AddHours(-1).AddMinutes(30 + i))));
        rows.AddRange(Enumerable.Range(0, 2).Select(i => ("https://cdn.example/a.js", "https://app.example/reset", "script-src-elem", T0.AddMinutes(i))));
        foreach (var (blocked, document, directive, at) in rows)
        {
            var time = _database.IsPostgres
                ? $"'{at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}+00'"
                : at.UtcTicks.ToString(CultureInfo.InvariantCulture);
            await ExecuteAsync(
                $"""
                INSERT INTO security_csp_reports (document_uri, blocked_uri, violated_directive, effective_directive, disposition, received_at, user_agent)
                VALUES ('{document}', '{blocked}', '{directive}', '{directive}', 'enforce', {time}, 'Chromium/156')
                """);
        }
    }

    [TearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    [Test]
    public async Task Upgrade_from_version_1_groups_the_stored_reports_in_place_and_twice_is_a_no_op()
    {
        Assert.That(await ScalarAsync("SELECT MAX(version) FROM security_schema_version"), Is.EqualTo(1));

        await UpgradeAsync();
        var groups = await GroupsAsync();
        await UpgradeAsync();

        Assert.That(await ScalarAsync("SELECT MAX(version) FROM security_schema_version"), Is.EqualTo(2));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM security_schema_version"), Is.EqualTo(2));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM security_csp_reports"), Is.EqualTo(30), "every row is kept");
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM security_csp_reports WHERE group_id IS NULL"), Is.Zero);
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM security_csp_report_groups"), Is.EqualTo(3), "two groups at 11:00, one at 12:00");
        Assert.That(groups.Select(g => (g.EffectiveDirective, g.BlockedUri, g.DocumentUri, g.Count)), Is.EqualTo(new[]
        {
            ("script-src-elem", "https://cdn.example/a.js", "https://app.example/reset", 27L),
            ("style-src-attr", "inline", "https://app.example/", 3L),
        }));
        Assert.That(await GroupsAsync(), Is.EqualTo(groups), "the second run changed nothing");
    }

    [Test]
    public async Task After_the_upgrade_new_reports_add_to_the_migrated_groups()
    {
        await UpgradeAsync();
        await using var context = NewContext();
        var store = Store();

        await store.SaveAsync([new CspReport
        {
            EffectiveDirective = "script-src-elem", BlockedUri = "https://cdn.example/a.js?v=99", DocumentUri = "https://app.example/reset",
            Disposition = "enforce", ReceivedAt = T0.AddHours(-1).AddMinutes(59),
        }]);

        Assert.That((await GroupsAsync())[0].Count, Is.EqualTo(28));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM security_csp_reports"), Is.EqualTo(30), "the group already kept more than ten reports");
    }

    [Test]
    public async Task A_database_newer_than_the_package_is_refused_naming_both_versions()
    {
        await ExecuteAsync("INSERT INTO security_schema_version (version, description) VALUES (3, 'from the future')");

        var error = Assert.ThrowsAsync<InvalidOperationException>(UpgradeAsync);

        Assert.That(error!.Message, Does.Contain("version 3").And.Contain($"version {SecuritySchema.CurrentVersion}"));
    }

    private async Task UpgradeAsync()
    {
        await using var context = NewContext();
        await SecuritySchema.CreateTablesAsync(context);
    }

    private async Task<IReadOnlyList<CspReportGroup>> GroupsAsync() =>
        (await Store().QueryGroupsAsync(new CspReportQuery())).Groups;

    private EfCspReportStore<SecurityDbContext> Store() => new(
        new ContextFactory(this), Options.Create(new CspReportStoreOptions()), Options.Create(new SecurityStoreOptions()), NullLoggerFactory.Instance);

    private SecurityDbContext NewContext()
    {
        var options = new DbContextOptionsBuilder<SecurityDbContext>();
        _database.Configure(options);
        return new SecurityDbContext(options.Options);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var context = NewContext();
        await context.Database.OpenConnectionAsync();
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var context = NewContext();
        await context.Database.OpenConnectionAsync();
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private sealed class ContextFactory(SchemaUpgradeTests tests) : IDbContextFactory<SecurityDbContext>
    {
        public SecurityDbContext CreateDbContext() => tests.NewContext();
    }
}

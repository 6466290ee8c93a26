using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>The security tables hosted in the app's own context through ApplySecurityModel, with custom names.</summary>
[TestFixture("postgres")]
[TestFixture("sqlite")]
public sealed class AppOwnContextTests(string provider)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private FixtureDatabase _database = null!;
    private ServiceProvider _services = null!;

    private bool IsPostgres => _database.IsPostgres;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _database = await FixtureDatabase.CreateAsync(provider);
        var configureDb = _database.Configure;

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddPooledDbContextFactory<AppDbContext>(configureDb);
        var builders = StoreBuilders.WithInMemoryDefaults(services);
        builders.Csp.AddEntityFrameworkStore<AppDbContext>();
        builders.Expiry.AddEntityFrameworkStore<AppDbContext>();
        builders.Throttle.AddEntityFrameworkStore<AppDbContext>();
        _services = services.BuildServiceProvider();

        await using var context = await NewContextAsync();
        await SecuritySchema.CreateTablesAsync(context);
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Schema_step_creates_only_the_security_tables_under_their_custom_names_and_twice_is_a_no_op()
    {
        await using (var context = await NewContextAsync())
        {
            await SecuritySchema.CreateTablesAsync(context);
        }

        var tables = await TablesAsync();

        Assert.That(tables, Is.SupersetOf(new[] { "app_csp_reports", "app_csp_report_groups", "app_password_expiry", "app_login_failures", SecuritySchema.VersionTable }));
        Assert.That(tables, Does.Not.Contain("orders").And.Not.Contain("security_csp_reports"));
    }

    [Test]
    public async Task Stores_work_on_the_custom_tables()
    {
        var throttle = _services.GetRequiredService<IThrottleCounterStore>();
        var expiry = _services.GetRequiredService<IPasswordExpiryStore>();
        var csp = _services.GetRequiredService<ICspReportStore>();

        await throttle.IncrementAsync("ñoñó1234", T0);
        Assert.That((await throttle.IncrementAsync("ñoñó1234", T0)).Count, Is.EqualTo(2));
        Assert.That(await expiry.GetOrCreateAsync(new PasswordExpiry("u1", T0)), Is.EqualTo(new PasswordExpiry("u1", T0)));
        await csp.SaveAsync([new CspReport { EffectiveDirective = "img-src", BlockedUri = "https://x.example/", ReceivedAt = T0 }]);
        Assert.That((await csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(1));

        Assert.That(await CountAsync("app_login_failures"), Is.EqualTo(1));
        Assert.That(await CountAsync("app_csp_reports"), Is.EqualTo(1));
    }

    private async Task<AppDbContext> NewContextAsync() =>
        await _services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private async Task<long> CountAsync(string table)
    {
        var qualified = IsPostgres ? $"sec.{table}" : table;
        await using var context = await NewContextAsync();
        return await QueryAsync(context, $"SELECT COUNT(*) FROM {qualified}", r => r.GetInt64(0)).ContinueWith(t => t.Result.Single());
    }

    private async Task<List<string>> TablesAsync()
    {
        await using var context = await NewContextAsync();
        return await QueryAsync(
            context,
            IsPostgres
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema IN ('sec', 'public')"
                : "SELECT name FROM sqlite_master WHERE type = 'table'",
            r => r.GetString(0));
    }

    private static async Task<List<T>> QueryAsync<T>(DbContext context, string sql, Func<DbDataReader, T> read)
    {
        await context.Database.OpenConnectionAsync();
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(read(reader));
        }

        return values;
    }
}

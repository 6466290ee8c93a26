using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Persistence.Internal.Cleanup;

namespace Security.Persistence.Tests;

/// <summary>
/// One "app instance": its own service provider with the three EF stores on one database, as
/// <c>services.AddSecurityCsp().AddEntityFrameworkStore(db =&gt; ...)</c> and friends would register them.
/// </summary>
public sealed class EfStoreHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private EfStoreHost(ServiceProvider provider) => _provider = provider;

    public static DateTimeOffset Start { get; } = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time => (FakeTimeProvider)_provider.GetRequiredService<TimeProvider>();

    public IServiceProvider Services => _provider;

    public ICspReportStore Csp => _provider.GetRequiredService<ICspReportStore>();

    public IPasswordExpiryStore Expiry => _provider.GetRequiredService<IPasswordExpiryStore>();

    public IThrottleCounterStore Throttle => _provider.GetRequiredService<IThrottleCounterStore>();

    internal SecurityStoreCleanupService Cleanup => _provider.GetRequiredService<SecurityStoreCleanupService>();

    internal static EfStoreHost Create(Action<DbContextOptionsBuilder> configureDb, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Start));
        configure?.Invoke(services);
        var builders = StoreBuilders.WithInMemoryDefaults(services);
        builders.Csp.AddEntityFrameworkStore(configureDb);
        builders.Expiry.AddEntityFrameworkStore(configureDb);
        builders.Throttle.AddEntityFrameworkStore(configureDb);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(
            new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        return new EfStoreHost(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true }));
    }

    public static Action<DbContextOptionsBuilder> Postgres(string connectionString) => db => db.UseNpgsql(connectionString);

    public static Action<DbContextOptionsBuilder> MariaDb(string connectionString) => db => db.UseMySQL(connectionString);

    public static Action<DbContextOptionsBuilder> Sqlite(string path) =>
        db => db.UseSqlite(new SqliteConnectionStringBuilder { DataSource = path, DefaultTimeout = 60 }.ConnectionString);

    public async Task<SecurityDbContext> CreateContextAsync() =>
        await _provider.GetRequiredService<IDbContextFactory<SecurityDbContext>>().CreateDbContextAsync();

    public async Task ExecuteAsync(string sql)
    {
        await using var context = await CreateContextAsync();
        await context.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>The first column of every row <paramref name="sql"/> returns, as text.</summary>
    public async Task<IReadOnlyList<string>> StringsAsync(string sql)
    {
        await using var context = await CreateContextAsync();
        await context.Database.OpenConnectionAsync();
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var context = await CreateContextAsync();
        await context.Database.OpenConnectionAsync();
        await using var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task ClearAsync()
    {
        foreach (var table in (string[])["security_csp_reports", "security_csp_report_groups", "security_password_expiry", "security_throttle_counters"])
        {
            await ExecuteAsync("DELETE FROM " + table);
        }
    }

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}

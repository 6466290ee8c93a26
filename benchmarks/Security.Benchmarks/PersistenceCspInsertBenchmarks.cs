using System.Reflection;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using Security.Persistence;
using Security.Testing;

namespace Security.Benchmarks;

/// <summary>
/// Sustained CSP report inserts through <see cref="ICspReportStore.SaveAsync"/> in batches, as the CSP background
/// writer calls it: one batch per invocation, back to back, into a table that keeps growing. Each operation is one
/// report, so reports per second = 1e9 / Mean (ns). PostgreSQL is a throwaway cluster started like the tests'
/// (or the server named by SECURITY_TEST_POSTGRES); MariaDB a throwaway server; SQLite is a temporary file.
/// <c>distinct</c>: every report of every batch is new (the batch moves one hour on per invocation, so each report
/// opens its own hourly group and is kept in full: a group upsert plus a row each). <c>identical</c>: 500 copies of
/// one report, all in one group (one upsert per batch, rows only while the group holds fewer than ten).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class PersistenceCspInsertBenchmarks
{
    private const int BatchSize = 500;

    private ServiceProvider _services = null!;
    private ICspReportStore _store = null!;
    private CspReport[] _batch = null!;
    private PostgresDatabase? _postgres;
    private MariaDbDatabase? _mariaDb;
    private string? _sqlitePath;

    private int _hour;

    /// <summary>The database the reports go to.</summary>
    // postgres-generic: PostgreSQL with its fast paths off (the generic path every other provider takes).
    // mariadb: the generic path through MySql.EntityFrameworkCore, on a throwaway server started like the tests'.
    [Params("postgres", "postgres-generic", "sqlite", "mariadb")]
    public string Provider { get; set; } = "postgres";

    /// <summary><c>distinct</c> reports (each a new group) or <c>identical</c> ones (one group).</summary>
    [Params("distinct", "identical")]
    public string Reports { get; set; } = "distinct";

    [GlobalSetup]
    public async Task Setup()
    {
        Action<DbContextOptionsBuilder> configureDb;
        if (Provider.StartsWith("postgres", StringComparison.Ordinal))
        {
            _postgres = await PostgresServer.CreateDatabaseAsync();
            configureDb = db => db.UseNpgsql(_postgres.ConnectionString);
        }
        else if (Provider == "mariadb")
        {
            _mariaDb = await MariaDbServer.CreateDatabaseAsync();
            configureDb = db => db.UseMySQL(_mariaDb.ConnectionString);
        }
        else
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), $"security-bench-{Guid.NewGuid():N}.db");
            configureDb = db => db.UseSqlite("Data Source=" + _sqlitePath);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        new CspStoreBuilder(services).AddEntityFrameworkStore(configureDb);
        if (Provider == "postgres-generic")
        {
            // The switch is internal (tests and this benchmark only): set it the way the tests' option does.
            var generic = typeof(SecurityStoreOptions).GetProperty("GenericPathOnly", BindingFlags.Instance | BindingFlags.NonPublic)!;
            services.Configure<SecurityStoreOptions>(o => generic.SetValue(o, true));
        }

        _services = services.BuildServiceProvider();
        await SecuritySchema.CreateAsync(_services);
        _store = _services.GetRequiredService<ICspReportStore>();

        // Realistic sizes: a full policy, a user agent, URIs of a typical app.
        var now = DateTimeOffset.UtcNow;
        _batch = [.. Enumerable.Range(0, BatchSize).Select(i => new CspReport
        {
            DocumentUri = Reports == "identical" ? "https://app.example/orders?tab=details" : $"https://app.example/orders/{i}?tab=details",
            Referrer = "https://app.example/orders",
            BlockedUri = Reports == "identical" ? "inline" : i % 3 == 0 ? "inline" : $"https://cdn{i % 7}.example/lib.js",
            ViolatedDirective = "script-src-elem 'self' 'nonce-abc'",
            EffectiveDirective = "script-src-elem",
            OriginalPolicy = "default-src 'self'; script-src 'self' 'nonce-abc'; style-src 'self'; img-src 'self' data:; report-uri /csp-report",
            Disposition = "enforce",
            SourceFile = "https://app.example/app.js",
            LineNumber = 120 + i,
            ColumnNumber = 17,
            Sample = "alert(document.cookie)",
            StatusCode = 200,
            ReceivedAt = now.AddMilliseconds(i),
            SenderIp = "203.0.113.7",
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
        })];
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        if (_mariaDb is not null)
        {
            await _mariaDb.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            await PostgresServer.StopAsync();
        }

        if (_sqlitePath is not null)
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_sqlitePath);
            File.Delete(_sqlitePath + "-wal");
            File.Delete(_sqlitePath + "-shm");
        }
    }

    /// <summary>One batch of 500 reports per invocation; the figures are per report.</summary>
    /// <remarks>The distinct case copies the batch one hour on first: about 100 B of the allocation per report is that copy.</remarks>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public Task SaveBatchOf500()
    {
        if (Reports == "identical")
        {
            return _store.SaveAsync(_batch);
        }

        var hour = TimeSpan.FromHours(++_hour);
        var batch = new CspReport[_batch.Length];
        for (var i = 0; i < batch.Length; i++)
        {
            batch[i] = _batch[i] with { ReceivedAt = _batch[i].ReceivedAt + hour };
        }

        return _store.SaveAsync(batch);
    }

    private sealed class CspStoreBuilder(IServiceCollection services) : ICspReportStoreBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

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
/// (or the server named by SECURITY_TEST_POSTGRES); SQLite is a temporary file.
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
    private string? _sqlitePath;

    /// <summary>The database the reports go to.</summary>
    [Params("postgres", "sqlite")]
    public string Provider { get; set; } = "postgres";

    [GlobalSetup]
    public async Task Setup()
    {
        Action<DbContextOptionsBuilder> configureDb;
        if (Provider == "postgres")
        {
            _postgres = await PostgresServer.CreateDatabaseAsync();
            configureDb = db => db.UseNpgsql(_postgres.ConnectionString);
        }
        else
        {
            _sqlitePath = Path.Combine(Path.GetTempPath(), $"security-bench-{Guid.NewGuid():N}.db");
            configureDb = db => db.UseSqlite("Data Source=" + _sqlitePath);
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        new CspStoreBuilder(services).AddEntityFrameworkStore(configureDb);
        _services = services.BuildServiceProvider();
        await SecuritySchema.CreateAsync(_services);
        _store = _services.GetRequiredService<ICspReportStore>();

        // Realistic sizes: a full policy, a user agent, URIs of a typical app.
        var now = DateTimeOffset.UtcNow;
        _batch = [.. Enumerable.Range(0, BatchSize).Select(i => new CspReport
        {
            DocumentUri = $"https://app.example/orders/{i}?tab=details",
            Referrer = "https://app.example/orders",
            BlockedUri = i % 3 == 0 ? "inline" : $"https://cdn{i % 7}.example/lib.js",
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
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public Task SaveBatchOf500() => _store.SaveAsync(_batch);

    private sealed class CspStoreBuilder(IServiceCollection services) : ICspReportStoreBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using Security.Persistence.Internal.Stores;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>
/// The store contract on the EF Core stores, plus what only a shared database can show: several app instances,
/// concurrent clean-ups, the schema step, rows the database rejects and outages.
/// </summary>
public abstract class EfStoreContractTests : StoreContractTests
{
    private readonly List<EfStoreHost> _hosts = [];

    /// <summary>The first app instance, made in OneTimeSetUp after the schema step.</summary>
    protected EfStoreHost Host { get; private set; } = null!;

    /// <summary>Chooses this fixture's database.</summary>
    protected abstract Action<DbContextOptionsBuilder> ConfigureDb { get; }

    /// <summary>Chooses a database that cannot be reached.</summary>
    protected abstract Action<DbContextOptionsBuilder> UnreachableDb { get; }

    /// <summary>Makes the database refuse any CSP report with this sender IP (a constraint or trigger).</summary>
    protected abstract Task RejectSenderIpAsync(string senderIp);

    /// <summary>
    /// Makes the database fail as in an outage (the connection or the disk, not the row's data) when a CSP report
    /// with this blocked URI is inserted, until <see cref="EndOutageAsync"/>.
    /// </summary>
    protected abstract Task StartOutageOnBlockedUriAsync(string blockedUri);

    /// <summary>Ends the outage <see cref="StartOutageOnBlockedUriAsync"/> started.</summary>
    protected abstract Task EndOutageAsync();

    /// <summary>The query listing the tables in the database, by name.</summary>
    protected abstract string TableNamesQuery { get; }

    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    /// <summary>Configures every app instance of the fixture (e.g. the generic path forced on PostgreSQL).</summary>
    protected virtual void ConfigureInstance(IServiceCollection services)
    {
    }

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    [OneTimeSetUp]
    public async Task CreateSchema()
    {
        await CreateDatabaseAsync();
        Host = NewInstance();
        await SecuritySchema.CreateAsync(Host.Services);
    }

    [OneTimeTearDown]
    public async Task DisposeHosts()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await Host.DisposeAsync();

        await DropDatabaseAsync();
    }

    protected EfStoreHost NewInstance(Action<IServiceCollection>? configure = null)
    {
        var host = EfStoreHost.Create(ConfigureDb, services =>
        {
            ConfigureInstance(services);
            configure?.Invoke(services);
        });
        _hosts.Add(host);
        return host;
    }

    protected override Task<long> StoredReportRowsAsync() => Host.ScalarAsync("SELECT COUNT(*) FROM security_csp_reports");

    protected override async Task<(ICspReportStore Csp, IPasswordExpiryStore Expiry, IThrottleCounterStore Throttle)> EmptyStoresAsync()
    {
        await Host.ClearAsync();
        return (Host.Csp, Host.Expiry, Host.Throttle);
    }

    [Test]
    public void Stores_are_the_entity_framework_ones()
    {
        Assert.That(Host.Csp.GetType().Name, Does.StartWith("EfCspReportStore"));
        Assert.That(Host.Expiry.GetType().Name, Does.StartWith("EfPasswordExpiryStore"));
        Assert.That(Host.Throttle.GetType().Name, Does.StartWith("EfThrottleCounterStore"));
    }

    [Test]
    public async Task Two_instances_with_100_concurrent_increments_each_count_exactly_200()
    {
        var second = NewInstance();
        var tasks = new List<Task<ThrottleCounter>>();
        for (var i = 0; i < 100; i++)
        {
            tasks.Add(Task.Run(() => Host.Throttle.IncrementAsync("user:ñoñó1234", T0)));
            tasks.Add(Task.Run(() => second.Throttle.IncrementAsync("user:ñoñó1234", T0)));
        }

        var counters = await Task.WhenAll(tasks);

        Assert.That(counters.Select(c => c.Count), Is.EquivalentTo(Enumerable.Range(1, 200).Select(i => (long)i)));
        Assert.That((await second.Throttle.GetAsync("user:ñoñó1234", T0))?.Count, Is.EqualTo(200));
    }

    [Test]
    public async Task Two_instances_saving_the_same_groups_in_any_order_at_once_count_every_report_and_keep_exactly_ten_each()
    {
        var second = NewInstance();
        var tasks = new List<Task>();
        for (var b = 0; b < 20; b++)
        {
            // Each batch holds the same 50 groups in its own order: the store must not deadlock on them.
            var batch = Enumerable.Range(0, 50).Select(i => Report(T0.AddSeconds(b), blocked: $"https://cdn{i}.example/")).OrderBy(_ => Random.Shared.Next()).ToArray();
            tasks.Add(Task.Run(() => Host.Csp.SaveAsync(batch)));
            tasks.Add(Task.Run(() => second.Csp.SaveAsync(batch)));
        }

        await Task.WhenAll(tasks);

        var groups = (await Host.Csp.QueryGroupsAsync(new CspReportQuery { Take = 100 })).Groups;
        Assert.That(groups, Has.Count.EqualTo(50));
        Assert.That(groups.Select(g => g.Count), Is.All.EqualTo(40));
        Assert.That(await StoredReportRowsAsync(), Is.EqualTo(50 * CspReportStoreOptions.DefaultReportsKeptPerGroup));
    }

    [Test]
    public async Task Two_clean_ups_at_once_delete_each_row_once_and_fail_nothing()
    {
        Action<IServiceCollection> configure = services => services.Configure<SecurityStoreCleanupOptions>(o => o.BatchSize = 50);
        var first = NewInstance(configure);
        var second = NewInstance(configure);
        var old = EfStoreHost.Start - TimeSpan.FromDays(31);
        await Host.Csp.SaveAsync([.. Enumerable.Range(0, 1000).Select(i => Report(old.AddSeconds(i)))]);
        await Host.Csp.SaveAsync([.. Enumerable.Range(0, 10).Select(i => Report(EfStoreHost.Start.AddSeconds(-i)))]);
        for (var i = 0; i < 300; i++)
        {
            await Host.Throttle.IncrementAsync("stale" + i, EfStoreHost.Start - Lifetime);
        }

        await Host.Throttle.IncrementAsync("fresh", EfStoreHost.Start);

        var results = await Task.WhenAll(
            Task.Run(() => first.Cleanup.RunOnceAsync(CancellationToken.None)),
            Task.Run(() => second.Cleanup.RunOnceAsync(CancellationToken.None)));

        Assert.That(results.Sum(r => r.Reports), Is.EqualTo(1000), "the reports the deleted groups counted");
        Assert.That(results.Sum(r => r.Counters), Is.EqualTo(300));
        Assert.That((await Host.Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Sum(g => g.Count), Is.EqualTo(10));
        Assert.That(await Host.Throttle.GetAsync("fresh", EfStoreHost.Start), Is.Not.Null);
    }

    [Test]
    public async Task Clean_up_runs_on_its_interval_from_the_hosted_service()
    {
        var interval = TimeSpan.FromMinutes(10);
        var time = new TimerSignallingTimeProvider(EfStoreHost.Start, interval);
        var purged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var instance = NewInstance(services =>
        {
            services.AddSingleton<TimeProvider>(time);
            // Registered before the store's own retention, which is only tried-added.
            services.AddTransient<ICspReportStoreRetention>(sp => new SignallingReportRetention(sp.GetRequiredService<ICspReportStore>(), purged));
            services.Configure<SecurityStoreCleanupOptions>(o => o.Interval = interval);
        });
        await instance.Csp.SaveAsync([Report(EfStoreHost.Start - TimeSpan.FromDays(40)), Report(EfStoreHost.Start)]);
        var service = instance.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Single();
        await service.StartAsync(CancellationToken.None);
        try
        {
            // ExecuteAsync starts on the thread pool: advance only once its timer exists, or the tick would be lost.
            await time.TimerCreated.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(purged.Task.IsCompleted, Is.False, "nothing runs before the first interval");
            time.Advance(interval);
            await purged.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.That((await instance.Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Sum(g => g.Count), Is.EqualTo(1));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task A_row_the_database_rejects_is_skipped_and_the_rest_of_the_batch_is_saved()
    {
        await RejectSenderIpAsync("198.51.100.66");

        await Host.Csp.SaveAsync(
        [
            Report(T0, blocked: "one"),
            Report(T0, blocked: "rejected") with { SenderIp = "198.51.100.66" },
            Report(T0, blocked: "three"),
        ]);

        var blocked = (await Host.Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Select(g => g.BlockedUri);
        Assert.That(blocked, Is.EquivalentTo(new[] { "one", "three" }));
    }

    [Test]
    public async Task An_outage_while_rows_are_saved_one_by_one_saves_none_of_the_batch_so_the_retry_saves_each_row_once()
    {
        await RejectSenderIpAsync("198.51.100.66");
        await StartOutageOnBlockedUriAsync("three");
        CspReport[] batch =
        [
            Report(T0, blocked: "one"),
            Report(T0, blocked: "rejected") with { SenderIp = "198.51.100.66" },
            Report(T0, blocked: "three"),
            Report(T0, blocked: "four"),
        ];

        // The batch is refused for its rejected row; then, row by row, the database goes down at "three".
        var outage = Assert.CatchAsync(async () => await Host.Csp.SaveAsync(batch));
        Assert.That(StoreDatabase.IsBadData(outage!), Is.False, outage!.ToString());
        Assert.That((await Host.Csp.QueryGroupsAsync(new CspReportQuery())).Groups, Is.Empty);

        await EndOutageAsync();
        await Host.Csp.SaveAsync(batch);

        var counts = (await Host.Csp.QueryGroupsAsync(new CspReportQuery())).Groups.ToDictionary(g => g.BlockedUri!, g => g.Count);
        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, long> { ["one"] = 1, ["three"] = 1, ["four"] = 1 }));
    }

    [Test]
    public void An_unreachable_database_throws_so_the_writer_retries()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        var builders = StoreBuilders.WithInMemoryDefaults(services);
        builders.Csp.AddEntityFrameworkStore(UnreachableDb);
        using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ICspReportStore>();

        Assert.That(async () => await store.SaveAsync([Report(T0)]), Throws.InstanceOf<Exception>().And.Not.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Schema_step_twice_and_from_two_instances_at_once_is_a_no_op()
    {
        await Host.Csp.SaveAsync([Report(T0)]);
        var tablesBefore = await Host.StringsAsync(TableNamesQuery);

        await SecuritySchema.CreateAsync(Host.Services);
        await Task.WhenAll(SecuritySchema.CreateAsync(Host.Services), SecuritySchema.CreateAsync(NewInstance().Services));

        Assert.That(await Host.StringsAsync(TableNamesQuery), Is.EqualTo(tablesBefore));
        Assert.That(tablesBefore, Is.SupersetOf(new[] { "security_csp_reports", "security_csp_report_groups", "security_password_expiry", "security_throttle_counters", SecuritySchema.VersionTable }));
        Assert.That((await Host.Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(1));
        Assert.That(await Host.ScalarAsync($"SELECT COUNT(*) FROM {SecuritySchema.VersionTable} WHERE version = {SecuritySchema.CurrentVersion}"), Is.EqualTo(1));
    }

    [Test]
    public async Task Create_script_is_idempotent_sql()
    {
        await using var context = await Host.CreateContextAsync();

        var script = SecuritySchema.GenerateCreateScript(context);

        Assert.That(script, Does.Contain("CREATE TABLE IF NOT EXISTS").And.Contain("CREATE INDEX IF NOT EXISTS"));
        Assert.That(script, Does.Not.Match(@"CREATE (TABLE|INDEX) (?!IF NOT EXISTS)"));
    }
}

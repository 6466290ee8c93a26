using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>
/// The generic path on a real MariaDB server through <c>MySql.EntityFrameworkCore</c>: the schema step, the CSP
/// writer's upserted groups and the dashboard's queries, password expiry and throttle counters, as far as that provider
/// works with MariaDB (see <see cref="MariaDbStoreContractTests"/> for what does not).
/// </summary>
[TestFixture]
public sealed class MariaDbGenericPathTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private MariaDbDatabase _database = null!;
    private EfStoreHost _host = null!;

    [OneTimeSetUp]
    public async Task CreateSchema()
    {
        _database = await MariaDbServer.CreateDatabaseAsync();
        _host = EfStoreHost.Create(EfStoreHost.MariaDb(_database.ConnectionString));
        await SecuritySchema.CreateAsync(_host.Services);
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        await _host.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task Schema_step_twice_is_a_no_op_and_records_the_current_version_once()
    {
        await SecuritySchema.CreateAsync(_host.Services);

        Assert.That(await _host.ScalarAsync($"SELECT COUNT(*) FROM {SecuritySchema.VersionTable} WHERE version = {SecuritySchema.CurrentVersion}"), Is.EqualTo(1));
        Assert.That(await _host.ScalarAsync($"SELECT MAX(version) FROM {SecuritySchema.VersionTable}"), Is.EqualTo(SecuritySchema.CurrentVersion));
    }

    [Test]
    public async Task Identical_reports_in_two_batches_are_one_group_counting_both_with_the_first_ten_kept()
    {
        var batch = Enumerable.Range(0, 8).Select(i => new CspReport { BlockedUri = "https://mariadb.example/", EffectiveDirective = "script-src", ReceivedAt = T0.AddSeconds(i) }).ToArray();

        await _host.Csp.SaveAsync(batch);
        await _host.Csp.SaveAsync(batch);

        var group = (await _host.Csp.QueryGroupsAsync(new CspReportQuery { EffectiveDirective = "script-src" })).Groups.Single(g => g.BlockedUri == "https://mariadb.example/");
        Assert.That(group.Count, Is.EqualTo(16));
        Assert.That(group.FirstSeen, Is.EqualTo(T0));
        Assert.That(group.LastSeen, Is.EqualTo(T0.AddSeconds(7)));
        Assert.That(await _host.ScalarAsync("SELECT COUNT(*) FROM security_csp_reports WHERE blocked_uri = 'https://mariadb.example/'"), Is.EqualTo(CspReportStoreOptions.DefaultReportsKeptPerGroup));
        Assert.That((await _host.Csp.CountByHourAsync(T0, T0.AddHours(1), "script-src")).Single().Count, Is.EqualTo(16));
    }

    [Test]
    public async Task Password_expiry_is_created_once_then_replaced()
    {
        var first = await _host.Expiry.GetOrCreateAsync(new PasswordExpiry("mariadb-user", T0));
        var again = await _host.Expiry.GetOrCreateAsync(new PasswordExpiry("mariadb-user", T0.AddDays(1)));
        await _host.Expiry.SetAsync(new PasswordExpiry("mariadb-user", T0.AddDays(2)));

        Assert.That(again, Is.EqualTo(first));
        Assert.That((await _host.Expiry.FindAsync("mariadb-user"))?.ExpiresAt, Is.EqualTo(T0.AddDays(2)));
    }

    [Test]
    public async Task Throttle_counter_counts_up_keeps_the_latest_failure_and_restarts_after_its_lifetime()
    {
        Assert.That((await _host.Throttle.IncrementAsync("mariadb:alice", T0.AddMinutes(5))).Count, Is.EqualTo(1));
        Assert.That(await _host.Throttle.IncrementAsync("mariadb:alice", T0), Is.EqualTo(new ThrottleCounter("mariadb:alice", 2, T0.AddMinutes(5))));

        var restarted = await _host.Throttle.IncrementAsync("mariadb:alice", T0.AddMinutes(5) + ThrottleCounter.DefaultLifetime);
        Assert.That(restarted.Count, Is.EqualTo(1));
        Assert.That((await _host.Throttle.GetAsync("mariadb:alice", restarted.LastFailure))?.Count, Is.EqualTo(1));
    }
}

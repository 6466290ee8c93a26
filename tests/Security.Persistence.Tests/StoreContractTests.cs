using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>
/// The behaviour every store implementation must share, run against the in-memory stores, SQLite and PostgreSQL
/// (one derived fixture each). Each test starts from empty stores.
/// </summary>
public abstract class StoreContractTests
{
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lifetime = ThrottleCounter.DefaultLifetime;

    protected ICspReportStore Csp { get; private set; } = null!;

    protected IPasswordExpiryStore Expiry { get; private set; } = null!;

    protected IThrottleCounterStore Throttle { get; private set; } = null!;

    /// <summary>How many full CSP reports the store holds (rows, not counts).</summary>
    protected abstract Task<long> StoredReportRowsAsync();

    /// <summary>Returns empty stores: fresh instances, or the fixture's stores with their tables emptied.</summary>
    protected abstract Task<(ICspReportStore Csp, IPasswordExpiryStore Expiry, IThrottleCounterStore Throttle)> EmptyStoresAsync();

    [SetUp]
    public async Task ArrangeStores() => (Csp, Expiry, Throttle) = await EmptyStoresAsync();

    // ---- Throttle counters -------------------------------------------------------------------

    [Test]
    public async Task Increments_count_up_from_one_and_get_reads_the_count()
    {
        Assert.That((await Throttle.IncrementAsync("user:alice", T0)).Count, Is.EqualTo(1));
        Assert.That((await Throttle.IncrementAsync("user:alice", T0.AddSeconds(1))).Count, Is.EqualTo(2));
        var third = await Throttle.IncrementAsync("user:alice", T0.AddSeconds(2));

        Assert.That(third, Is.EqualTo(new ThrottleCounter("user:alice", 3, T0.AddSeconds(2))));
        Assert.That(await Throttle.GetAsync("user:alice", T0.AddSeconds(3)), Is.EqualTo(third));
        Assert.That(await Throttle.GetAsync("user:bob", T0), Is.Null);
    }

    [Test]
    public async Task Counter_expires_exactly_at_its_lifetime_after_the_last_failure()
    {
        await Throttle.IncrementAsync("k", T0);
        await Throttle.IncrementAsync("k", T0.AddHours(1));
        var last = T0.AddHours(1);

        Assert.That((await Throttle.GetAsync("k", last + Lifetime - TimeSpan.FromMilliseconds(1)))?.Count, Is.EqualTo(2));
        Assert.That(await Throttle.GetAsync("k", last + Lifetime), Is.Null);
    }

    [Test]
    public async Task Increment_just_before_expiry_continues_and_at_expiry_restarts_at_one()
    {
        await Throttle.IncrementAsync("k", T0);
        var justBefore = T0 + Lifetime - TimeSpan.FromMilliseconds(1);
        Assert.That((await Throttle.IncrementAsync("k", justBefore)).Count, Is.EqualTo(2));

        var restarted = await Throttle.IncrementAsync("k", justBefore + Lifetime);
        Assert.That(restarted, Is.EqualTo(new ThrottleCounter("k", 1, justBefore + Lifetime)));
    }

    [Test]
    public async Task Out_of_order_failure_keeps_the_latest_last_failure()
    {
        await Throttle.IncrementAsync("k", T0.AddMinutes(5));
        var counter = await Throttle.IncrementAsync("k", T0);

        Assert.That(counter, Is.EqualTo(new ThrottleCounter("k", 2, T0.AddMinutes(5))));
    }

    [Test]
    public async Task Reset_removes_the_counter_once()
    {
        await Throttle.IncrementAsync("k", T0);

        Assert.That(await Throttle.ResetAsync("k"), Is.True);
        Assert.That(await Throttle.ResetAsync("k"), Is.False);
        Assert.That(await Throttle.GetAsync("k", T0), Is.Null);
        Assert.That((await Throttle.IncrementAsync("k", T0)).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Purge_deletes_only_expired_counters_and_at_most_the_bound()
    {
        for (var i = 0; i < 5; i++)
        {
            await Throttle.IncrementAsync("old" + i, T0);
        }

        await Throttle.IncrementAsync("fresh1", T0.AddHours(1));
        await Throttle.IncrementAsync("fresh2", T0.AddHours(2));
        var now = T0 + Lifetime;

        Assert.That(await Throttle.PurgeExpiredAsync(now, 3), Is.EqualTo(3));
        Assert.That(await Throttle.PurgeExpiredAsync(now, 10), Is.EqualTo(2));
        Assert.That(await Throttle.PurgeExpiredAsync(now, 10), Is.Zero);
        Assert.That(await Throttle.PurgeExpiredAsync(now, 0), Is.Zero);
        Assert.That((await Throttle.GetAsync("fresh1", now))?.Count, Is.EqualTo(1));
        Assert.That((await Throttle.GetAsync("fresh2", now))?.Count, Is.EqualTo(1));
    }

    [TestCase("ñoñó1234")]
    [TestCase("user:😀 emoji")]
    [TestCase("user:with\0nul")]
    [TestCase("lone \ud800 surrogate")]
    public async Task Any_key_counts_exactly_and_apart_from_similar_keys(string key)
    {
        await Throttle.IncrementAsync(key, T0);
        var counter = await Throttle.IncrementAsync(key, T0);
        await Throttle.IncrementAsync(key.ToUpperInvariant() + "x", T0);

        Assert.That(counter, Is.EqualTo(new ThrottleCounter(key, 2, T0)));
        Assert.That(await Throttle.GetAsync(key, T0), Is.EqualTo(counter));
        Assert.That((await Throttle.GetAsync(key.ToUpperInvariant() + "x", T0))?.Count, Is.EqualTo(1));
        Assert.That(await Throttle.ResetAsync(key), Is.True);
    }

    [Test]
    public async Task Very_long_keys_count_apart_from_each_other()
    {
        var a = new string('a', 5000) + "1";
        var b = new string('a', 5000) + "2";
        await Throttle.IncrementAsync(a, T0);
        await Throttle.IncrementAsync(a, T0);
        await Throttle.IncrementAsync(b, T0);

        Assert.That(await Throttle.GetAsync(a, T0), Is.EqualTo(new ThrottleCounter(a, 2, T0)));
        Assert.That((await Throttle.GetAsync(b, T0))?.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_increments_in_one_instance_lose_nothing()
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Throttle.IncrementAsync("hot", T0))));

        Assert.That(counts.Select(c => c.Count), Is.EquivalentTo(Enumerable.Range(1, 50).Select(i => (long)i)));
    }

    // ---- Password expiry ---------------------------------------------------------------------

    [Test]
    public async Task Find_returns_null_until_set_and_set_replaces()
    {
        Assert.That(await Expiry.FindAsync("u1"), Is.Null);

        await Expiry.SetAsync(new PasswordExpiry("u1", T0));
        Assert.That(await Expiry.FindAsync("u1"), Is.EqualTo(new PasswordExpiry("u1", T0)));

        await Expiry.SetAsync(new PasswordExpiry("u1", T0.AddDays(90)));
        Assert.That(await Expiry.FindAsync("u1"), Is.EqualTo(new PasswordExpiry("u1", T0.AddDays(90))));

        await Expiry.SetAsync(new PasswordExpiry("u1", null));
        Assert.That(await Expiry.FindAsync("u1"), Is.EqualTo(new PasswordExpiry("u1", null)));
    }

    [Test]
    public async Task Expiry_keeps_the_instant_whatever_the_offset()
    {
        var paris = new DateTimeOffset(2026, 6, 1, 14, 30, 15, 123, TimeSpan.FromHours(2));
        await Expiry.SetAsync(new PasswordExpiry("u1", paris));

        var found = await Expiry.FindAsync("u1");
        Assert.That(found?.ExpiresAt?.UtcDateTime, Is.EqualTo(paris.UtcDateTime));
    }

    [Test]
    public async Task GetOrCreate_creates_once_and_then_returns_the_stored_record()
    {
        var created = await Expiry.GetOrCreateAsync(new PasswordExpiry("ñoñó1234", T0));
        var again = await Expiry.GetOrCreateAsync(new PasswordExpiry("ñoñó1234", T0.AddDays(1)));

        Assert.That(created, Is.EqualTo(new PasswordExpiry("ñoñó1234", T0)));
        Assert.That(again, Is.EqualTo(created));
        Assert.That(await Expiry.GetOrCreateAsync(new PasswordExpiry("never", null)), Is.EqualTo(new PasswordExpiry("never", null)));
    }

    [Test]
    public async Task Concurrent_first_checks_create_one_record_and_all_see_it()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => Expiry.GetOrCreateAsync(new PasswordExpiry("racer", T0.AddDays(i))))));

        Assert.That(results.Distinct().Count(), Is.EqualTo(1));
        Assert.That(await Expiry.FindAsync("racer"), Is.EqualTo(results[0]));
    }

    [Test]
    public async Task Delete_removes_the_record_once()
    {
        await Expiry.SetAsync(new PasswordExpiry("u1", T0));
        await Expiry.SetAsync(new PasswordExpiry("u2", T0));

        Assert.That(await Expiry.DeleteAsync("u1"), Is.True);
        Assert.That(await Expiry.DeleteAsync("u1"), Is.False);
        Assert.That(await Expiry.FindAsync("u1"), Is.Null);
        Assert.That(await Expiry.FindAsync("u2"), Is.Not.Null);
    }

    // ---- CSP reports -------------------------------------------------------------------------

    protected static CspReport Report(DateTimeOffset at, string directive = "script-src-elem", string blocked = "inline", string document = "https://app.example/") =>
        new()
        {
            DocumentUri = document,
            BlockedUri = blocked,
            ViolatedDirective = directive + " 'self'",
            EffectiveDirective = directive,
            OriginalPolicy = "default-src 'self'",
            Disposition = "enforce",
            SourceFile = "https://app.example/app.js",
            LineNumber = 12,
            ColumnNumber = 34,
            Sample = "alert(1)",
            StatusCode = 200,
            ReceivedAt = at,
            SenderIp = "203.0.113.7",
            UserAgent = "Chromium/156",
        };

    [Test]
    public async Task Saved_reports_are_grouped_with_count_and_first_and_last_seen()
    {
        await Csp.SaveAsync([Report(T0.AddMinutes(1)), Report(T0), Report(T0.AddMinutes(2))]);
        await Csp.SaveAsync([Report(T0.AddMinutes(3), "img-src", "https://evil.example/x.png")]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.TotalGroups, Is.EqualTo(2));
        Assert.That(page.Groups, Is.EqualTo(new[]
        {
            new CspReportGroup("script-src-elem", "inline", "https://app.example/", 3, T0, T0.AddMinutes(2)) { Disposition = "enforce", DistinctSenders = 1 },
            new CspReportGroup("img-src", "https://evil.example/x.png", "https://app.example/", 1, T0.AddMinutes(3), T0.AddMinutes(3)) { Disposition = "enforce", DistinctSenders = 1 },
        }));
    }

    [Test]
    public async Task Distinct_senders_count_the_addresses_of_a_groups_kept_reports_in_the_window()
    {
        static CspReport From(CspReport report, string address) => report with { SenderIp = address };
        await Csp.SaveAsync([From(Report(T0), "203.0.113.1"), From(Report(T0.AddMinutes(1)), "203.0.113.2"), From(Report(T0.AddMinutes(2)), "203.0.113.1")]);
        await Csp.SaveAsync([From(Report(T0, "img-src", "https://a.example/x.png"), "203.0.113.3"), From(Report(T0.AddHours(-2)), "203.0.113.4")]);

        var groups = (await Csp.QueryGroupsAsync(new CspReportQuery { From = T0, To = T0.AddHours(1) })).Groups;
        var all = (await Csp.QueryGroupsAsync(new CspReportQuery())).Groups;

        Assert.That(groups.Select(g => (g.EffectiveDirective, g.DistinctSenders)), Is.EquivalentTo(new[] { ("script-src-elem", (int?)2), ("img-src", 1) }));
        Assert.That(all.Single(g => g.EffectiveDirective == "script-src-elem").DistinctSenders, Is.EqualTo(3), "the earlier hour's address too");
    }

    [Test]
    public async Task A_flood_from_one_address_cannot_raise_the_distinct_senders_of_its_group()
    {
        await Csp.SaveAsync([.. Enumerable.Range(0, 20).Select(i => Report(T0.AddSeconds(i)) with { SenderIp = "203.0.113.9" })]);
        await Csp.SaveAsync([.. Enumerable.Range(0, 5).Select(i => Report(T0.AddMinutes(1)) with { SenderIp = $"198.51.100.{i}" })]);

        var group = (await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single();

        Assert.That(group.Count, Is.EqualTo(25));
        Assert.That(group.DistinctSenders, Is.EqualTo(1), "counted among the first ten reports kept in full, all from one address");
    }

    [Test]
    public async Task Empty_batch_saves_nothing()
    {
        await Csp.SaveAsync([]);

        Assert.That((await Csp.QueryGroupsAsync(new CspReportQuery())).TotalGroups, Is.Zero);
    }

    [Test]
    public async Task Report_without_effective_directive_is_grouped_under_its_violated_directive()
    {
        await Csp.SaveAsync([Report(T0) with { EffectiveDirective = null, ViolatedDirective = "style-src" }]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery { EffectiveDirective = "style-src" });

        Assert.That(page.Groups.Single().EffectiveDirective, Is.EqualTo("style-src"));
    }

    [Test]
    public async Task Over_long_values_are_truncated_never_rejected()
    {
        var longUri = "https://app.example/" + new string('p', 5000);
        await Csp.SaveAsync([Report(T0, document: longUri) with { OriginalPolicy = new string('x', 20_000), UserAgent = new string('u', 3000) }]);

        var group = (await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single();

        Assert.That(group.DocumentUri, Is.EqualTo(longUri[..CspReport.MaxUriLength]));
    }

    [Test]
    public async Task Window_includes_the_hour_of_from_and_excludes_to()
    {
        await Csp.SaveAsync([Report(T0.AddMinutes(-1)), Report(T0), Report(T0.AddMinutes(5)), Report(T0.AddMinutes(59)), Report(T0.AddHours(1))]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery { From = T0, To = T0.AddHours(1) });
        var fromMidHour = await Csp.QueryGroupsAsync(new CspReportQuery { From = T0.AddMinutes(30), To = T0.AddHours(1) });

        var expected = new CspReportGroup("script-src-elem", "inline", "https://app.example/", 3, T0, T0.AddMinutes(59)) { Disposition = "enforce", DistinctSenders = 1 };
        Assert.That(page.Groups.Single(), Is.EqualTo(expected));
        Assert.That(fromMidHour.Groups.Single(), Is.EqualTo(expected), "an hour is counted whole");
    }

    [Test]
    public async Task Directive_filter_is_exact()
    {
        await Csp.SaveAsync([Report(T0, "script-src"), Report(T0, "script-src-elem"), Report(T0, "Script-Src")]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery { EffectiveDirective = "script-src" });

        Assert.That(page.TotalGroups, Is.EqualTo(1));
        Assert.That(page.Groups.Single().EffectiveDirective, Is.EqualTo("script-src"));
    }

    [Test]
    public async Task Groups_come_most_frequent_first_in_pages_with_the_total()
    {
        var reports = new List<CspReport>();
        for (var group = 1; group <= 5; group++)
        {
            for (var n = 0; n < group; n++)
            {
                reports.Add(Report(T0.AddSeconds(n), blocked: $"https://cdn{group}.example/"));
            }
        }

        await Csp.SaveAsync(reports);

        var first = await Csp.QueryGroupsAsync(new CspReportQuery { Take = 2 });
        var second = await Csp.QueryGroupsAsync(new CspReportQuery { Skip = 2, Take = 2 });
        var beyond = await Csp.QueryGroupsAsync(new CspReportQuery { Skip = 10, Take = 2 });

        Assert.That(first.Groups.Select(g => (g.BlockedUri, g.Count)), Is.EqualTo(new[] { ("https://cdn5.example/", 5L), ("https://cdn4.example/", 4L) }));
        Assert.That(second.Groups.Select(g => (g.BlockedUri, g.Count)), Is.EqualTo(new[] { ("https://cdn3.example/", 3L), ("https://cdn2.example/", 2L) }));
        Assert.That(new[] { first.TotalGroups, second.TotalGroups, beyond.TotalGroups }, Is.All.EqualTo(5));
        Assert.That(beyond.Groups, Is.Empty);
    }

    [Test]
    public async Task Equal_counts_order_by_last_seen_descending()
    {
        await Csp.SaveAsync([Report(T0, blocked: "a"), Report(T0.AddMinutes(2), blocked: "b"), Report(T0.AddMinutes(1), blocked: "c")]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.Groups.Select(g => g.BlockedUri), Is.EqualTo(new[] { "b", "c", "a" }));
    }

    [Test]
    public async Task Nul_characters_and_half_surrogates_do_not_lose_any_report_of_the_batch()
    {
        await Csp.SaveAsync(
        [
            Report(T0, blocked: "first"),
            Report(T0, blocked: "bad\0uri") with { UserAgent = "agent\0", Sample = "x\ud800y", DocumentUri = "https://app.example/\0" },
            Report(T0, blocked: "third"),
        ]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.Groups.Sum(g => g.Count), Is.EqualTo(3));
        Assert.That(page.Groups.Select(g => g.BlockedUri), Does.Contain("first").And.Contain("third"));
    }

    [Test]
    public async Task Delete_older_than_removes_only_groups_last_seen_before_the_cutoff_and_at_most_the_bound()
    {
        await Csp.SaveAsync([.. Enumerable.Range(0, 5).Select(i => Report(T0.AddMinutes(-10 - i), blocked: "old" + i)), Report(T0), Report(T0.AddMinutes(1))]);

        Assert.That(await Csp.DeleteOlderThanAsync(T0, 3), Is.EqualTo(3));
        Assert.That(await Csp.DeleteOlderThanAsync(T0, 10), Is.EqualTo(2));
        Assert.That(await Csp.DeleteOlderThanAsync(T0, 10), Is.Zero);
        Assert.That(await Csp.DeleteOlderThanAsync(T0, 0), Is.Zero);
        Assert.That((await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Delete_older_than_returns_the_reports_a_deleted_group_counted()
    {
        await Csp.SaveAsync([.. Enumerable.Range(0, 40).Select(i => Report(T0.AddMinutes(-50).AddSeconds(i)))]);
        await Csp.SaveAsync([Report(T0.AddMinutes(-5)), Report(T0.AddMinutes(5))]);

        Assert.That(await Csp.DeleteOlderThanAsync(T0, 1), Is.EqualTo(41), "the 11:00 group: 40 reports and the one at 11:55");
        Assert.That(await Csp.DeleteOlderThanAsync(T0, 1), Is.Zero);
        Assert.That((await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Count_by_hour_counts_each_utc_hour_in_the_window_oldest_first()
    {
        // T0 is 12:00 UTC; a report at 13:30+02:00 is 11:30 UTC.
        await Csp.SaveAsync(
        [
            Report(T0.AddMinutes(-61)), Report(new DateTimeOffset(2026, 3, 1, 13, 30, 0, TimeSpan.FromHours(2))),
            Report(T0), Report(T0.AddMinutes(59).AddSeconds(59)), Report(T0.AddMinutes(5), "img-src"),
            Report(T0.AddHours(2).AddMinutes(10)), Report(T0.AddHours(3)),
        ]);

        var counts = await Csp.CountByHourAsync(T0.AddHours(-1), T0.AddHours(3));

        Assert.That(counts, Is.EqualTo(new[]
        {
            new CspReportHourlyCount(T0.AddHours(-1), 1),
            new CspReportHourlyCount(T0, 3),
            new CspReportHourlyCount(T0.AddHours(2), 1),
        }));
        Assert.That(counts.Select(c => c.Hour.Offset), Is.All.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public async Task Count_by_hour_filters_by_effective_directive_falling_back_to_the_violated_one()
    {
        await Csp.SaveAsync(
        [
            Report(T0, "script-src"), Report(T0, "Script-Src"), Report(T0.AddHours(1), "img-src"),
            Report(T0.AddHours(1)) with { EffectiveDirective = null, ViolatedDirective = "script-src" },
        ]);

        var counts = await Csp.CountByHourAsync(T0, T0.AddHours(2), "script-src");

        Assert.That(counts, Is.EqualTo(new[] { new CspReportHourlyCount(T0, 1), new CspReportHourlyCount(T0.AddHours(1), 1) }));
    }

    // ---- CSP report aggregation --------------------------------------------------------------

    [Test]
    public async Task A_flood_of_100000_identical_reports_keeps_ten_full_reports_and_counts_every_one()
    {
        for (var batch = 0; batch < 1000; batch++)
        {
            await Csp.SaveAsync([.. Enumerable.Range(0, 100).Select(i => Report(T0.AddMilliseconds((batch * 100) + i)))]);
        }

        var group = (await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single();

        Assert.That(group.Count, Is.EqualTo(100_000));
        Assert.That((group.FirstSeen, group.LastSeen), Is.EqualTo((T0, T0.AddMilliseconds(99_999))));
        Assert.That(await StoredReportRowsAsync(), Is.EqualTo(CspReportStoreOptions.DefaultReportsKeptPerGroup));
        Assert.That((await Csp.CountByHourAsync(T0, T0.AddHours(1))).Single().Count, Is.EqualTo(100_000));
    }

    [Test]
    public async Task Each_hour_keeps_its_own_first_reports_and_the_query_sums_the_hours()
    {
        await Csp.SaveAsync([.. Enumerable.Range(0, 15).Select(i => Report(T0.AddMinutes(i)))]);
        await Csp.SaveAsync([.. Enumerable.Range(0, 15).Select(i => Report(T0.AddHours(1).AddMinutes(i)))]);

        var group = (await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single();

        Assert.That(group.Count, Is.EqualTo(30));
        Assert.That((group.FirstSeen, group.LastSeen), Is.EqualTo((T0, T0.AddHours(1).AddMinutes(14))));
        Assert.That(await StoredReportRowsAsync(), Is.EqualTo(20));
        Assert.That(await Csp.CountByHourAsync(T0, T0.AddHours(2)), Is.EqualTo(new[] { new CspReportHourlyCount(T0, 15), new CspReportHourlyCount(T0.AddHours(1), 15) }));
    }

    [Test]
    public async Task Urls_that_differ_only_in_query_string_or_fragment_are_one_group_shown_without_them()
    {
        await Csp.SaveAsync(
        [
            Report(T0, blocked: "https://cdn.example/a.js?v=1", document: "https://app.example/reset?token=secret1"),
            Report(T0, blocked: "https://cdn.example/a.js?v=2#x", document: "https://app.example/reset#top"),
            Report(T0, blocked: "https://cdn.example/a.js", document: "https://app.example/reset?token=secret2"),
        ]);

        var group = (await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single();

        Assert.That((group.BlockedUri, group.DocumentUri, group.Count), Is.EqualTo(("https://cdn.example/a.js", "https://app.example/reset", 3L)));
    }

    [Test]
    public async Task Reports_differing_in_directive_blocked_uri_document_or_disposition_are_separate_groups()
    {
        await Csp.SaveAsync(
        [
            Report(T0), Report(T0, "img-src"), Report(T0, blocked: "eval"), Report(T0, document: "https://app.example/other"),
            Report(T0) with { Disposition = "report" }, Report(T0) with { UserAgent = "Firefox/140", SenderIp = "198.51.100.1", LineNumber = 99 },
        ]);

        var page = await Csp.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.TotalGroups, Is.EqualTo(5));
        Assert.That(page.Groups.Single(g => g.Count == 2).Disposition, Is.EqualTo("enforce"));
        Assert.That(page.Groups.Count(g => g.Disposition == "report"), Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_batches_of_one_group_count_every_report_and_keep_exactly_the_first_ten()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(b =>
            Task.Run(() => Csp.SaveAsync([.. Enumerable.Range(0, 50).Select(i => Report(T0.AddSeconds(b).AddMilliseconds(i)))]))));

        Assert.That((await Csp.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(1000));
        Assert.That(await StoredReportRowsAsync(), Is.EqualTo(CspReportStoreOptions.DefaultReportsKeptPerGroup));
    }
}

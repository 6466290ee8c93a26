namespace Security.Abstractions.Tests;

public class InMemoryCspReportStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static CspReport Report(
        DateTimeOffset at,
        string directive = "script-src-elem",
        string blocked = "inline",
        string document = "https://example.com/") => new()
        {
            EffectiveDirective = directive,
            ViolatedDirective = directive,
            BlockedUri = blocked,
            DocumentUri = document,
            ReceivedAt = at,
        };

    [Test]
    public async Task Saved_reports_get_increasing_ids_in_order()
    {
        var store = new InMemoryCspReportStore();

        await store.SaveAsync([Report(T0) with { Id = 99 }, Report(T0.AddSeconds(1))]);
        await store.SaveAsync([Report(T0.AddSeconds(2))]);

        Assert.That(store.Count, Is.EqualTo(3));
        Assert.That(store.Snapshot().Select(r => r.Id), Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(store.Snapshot().Select(r => r.ReceivedAt), Is.Ordered);
    }

    [Test]
    public async Task Values_over_1000_characters_are_cut_to_1000_on_save()
    {
        var store = new InMemoryCspReportStore();
        var longUri = "https://example.com/" + new string('a', 2000);

        await store.SaveAsync([Report(T0, blocked: longUri) with { UserAgent = new string('u', 1001) }]);

        var saved = store.Snapshot()[0];
        Assert.That(saved.BlockedUri, Is.EqualTo(longUri[..1000]));
        Assert.That(saved.UserAgent, Has.Length.EqualTo(1000));
    }

    [Test]
    public async Task Store_beyond_capacity_forgets_the_oldest_reports()
    {
        var store = new InMemoryCspReportStore(3);

        await store.SaveAsync([.. Enumerable.Range(0, 5).Select(i => Report(T0.AddSeconds(i)))]);

        Assert.That(store.Count, Is.EqualTo(3));
        Assert.That(store.Snapshot().Select(r => r.Id), Is.EqualTo(new long[] { 3, 4, 5 }));
    }

    [Test]
    public void Capacity_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryCspReportStore(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryCspReportStore(-1));
        Assert.That(InMemoryCspReportStore.DefaultCapacity, Is.EqualTo(10_000));
    }

    [Test]
    public async Task Default_capacity_keeps_ten_thousand_reports_and_groups()
    {
        var store = new InMemoryCspReportStore();

        await store.SaveAsync([.. Enumerable.Range(0, 10_001).Select(i => Report(T0, blocked: "https://x.example/" + i))]);

        Assert.That(store.Count, Is.EqualTo(10_000));
        Assert.That(store.GroupCount, Is.EqualTo(10_000));
        Assert.That(store.Snapshot()[0].Id, Is.EqualTo(2));
        Assert.That((await store.QueryGroupsAsync(new CspReportQuery())).Groups.Select(g => g.BlockedUri), Does.Not.Contain("https://x.example/0"));
    }

    [Test]
    public async Task Identical_reports_keep_the_configured_number_in_full_and_count_the_rest()
    {
        var store = new InMemoryCspReportStore(100, reportsKeptPerGroup: 2);

        await store.SaveAsync([.. Enumerable.Range(0, 50).Select(i => Report(T0.AddSeconds(i)) with { UserAgent = "agent " + i })]);

        Assert.That(store.Snapshot().Select(r => r.UserAgent), Is.EqualTo(new[] { "agent 0", "agent 1" }));
        Assert.That((await store.QueryGroupsAsync(new CspReportQuery())).Groups.Single().Count, Is.EqualTo(50));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryCspReportStore(10, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryCspReportStore(10, CspReportStoreOptions.MaxReportsKeptPerGroup + 1));
    }

    [Test]
    public async Task Reports_are_grouped_by_directive_blocked_uri_and_document_uri()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync(
        [
            Report(T0),
            Report(T0.AddMinutes(2)),
            Report(T0.AddMinutes(1)),
            Report(T0, blocked: "eval"),
            Report(T0, document: "https://example.com/other"),
            Report(T0, directive: "style-src-elem"),
        ]);

        var page = await store.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.TotalGroups, Is.EqualTo(4));
        Assert.That(page.Groups, Has.Count.EqualTo(4));
        Assert.That(page.Groups[0], Is.EqualTo(new CspReportGroup("script-src-elem", "inline", "https://example.com/", 3, T0, T0.AddMinutes(2)) { DistinctSenders = 0 }));
        Assert.That(page.Groups.Skip(1).Select(g => g.Count), Has.All.EqualTo(1));
    }

    [Test]
    public async Task Groups_are_ordered_by_count_then_by_last_seen_descending()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync(
        [
            Report(T0, blocked: "a"),
            Report(T0.AddMinutes(5), blocked: "b"),
            Report(T0, blocked: "c"),
            Report(T0.AddMinutes(1), blocked: "c"),
            Report(T0.AddMinutes(3), blocked: "d"),
        ]);

        var page = await store.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.Groups.Select(g => g.BlockedUri), Is.EqualTo(new[] { "c", "b", "d", "a" }));
    }

    [Test]
    public async Task Time_window_includes_from_and_excludes_to()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync(
        [
            Report(T0.AddTicks(-1), blocked: "before"),
            Report(T0, blocked: "at-from"),
            Report(T0.AddHours(1).AddTicks(-1), blocked: "inside"),
            Report(T0.AddHours(1), blocked: "at-to"),
        ]);

        var page = await store.QueryGroupsAsync(new CspReportQuery { From = T0, To = T0.AddHours(1) });

        Assert.That(page.Groups.Select(g => g.BlockedUri), Is.EquivalentTo(new[] { "at-from", "inside" }));
        Assert.That(page.TotalGroups, Is.EqualTo(2));
    }

    [Test]
    public async Task Counts_and_first_last_seen_cover_only_the_window()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([Report(T0.AddDays(-1)), Report(T0.AddMinutes(1)), Report(T0.AddMinutes(2)), Report(T0.AddDays(1))]);

        var page = await store.QueryGroupsAsync(new CspReportQuery { From = T0, To = T0.AddHours(1) });

        Assert.That(page.Groups.Single(), Is.EqualTo(new CspReportGroup("script-src-elem", "inline", "https://example.com/", 2, T0.AddMinutes(1), T0.AddMinutes(2)) { DistinctSenders = 0 }));
    }

    [Test]
    public async Task Open_ended_windows_have_no_bound()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([Report(DateTimeOffset.MinValue, blocked: "min"), Report(T0, blocked: "t0"), Report(DateTimeOffset.MaxValue, blocked: "max")]);

        var fromOnly = await store.QueryGroupsAsync(new CspReportQuery { From = T0 });
        var toOnly = await store.QueryGroupsAsync(new CspReportQuery { To = T0 });

        Assert.That(fromOnly.Groups.Select(g => g.BlockedUri), Is.EquivalentTo(new[] { "t0", "max" }));
        Assert.That(toOnly.Groups.Select(g => g.BlockedUri), Is.EquivalentTo(new[] { "min" }));
    }

    [Test]
    public async Task Directive_filter_is_exact_and_ordinal()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync(
        [
            Report(T0, directive: "script-src-elem"),
            Report(T0, directive: "script-src"),
            Report(T0, directive: "SCRIPT-SRC-ELEM"),
            Report(T0, directive: "img-src"),
        ]);

        var page = await store.QueryGroupsAsync(new CspReportQuery { EffectiveDirective = "script-src-elem" });

        Assert.That(page.TotalGroups, Is.EqualTo(1));
        Assert.That(page.Groups.Single().EffectiveDirective, Is.EqualTo("script-src-elem"));
    }

    [Test]
    public async Task Report_without_effective_directive_is_grouped_under_its_violated_directive()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync(
        [
            Report(T0) with { EffectiveDirective = null, ViolatedDirective = "script-src" },
            Report(T0, directive: "script-src"),
        ]);

        var all = await store.QueryGroupsAsync(new CspReportQuery());
        var filtered = await store.QueryGroupsAsync(new CspReportQuery { EffectiveDirective = "script-src" });

        Assert.That(all.Groups.Single().EffectiveDirective, Is.EqualTo("script-src"));
        Assert.That(all.Groups.Single().Count, Is.EqualTo(2));
        Assert.That(filtered.Groups.Single().Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Report_without_any_directive_forms_a_group_with_null_directive()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([new CspReport { ReceivedAt = T0 }, new CspReport { ReceivedAt = T0 }]);

        var page = await store.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.Groups.Single(), Is.EqualTo(new CspReportGroup(null, null, null, 2, T0, T0) { DistinctSenders = 0 }));
    }

    [Test]
    public async Task Paging_skips_and_takes_groups_and_reports_the_total()
    {
        var store = new InMemoryCspReportStore();
        // Group i has i + 1 reports, so the order is k9, k8, ..., k0.
        await store.SaveAsync([.. Enumerable.Range(0, 10).SelectMany(i => Enumerable.Repeat(Report(T0, blocked: $"k{i}"), i + 1))]);

        var first = await store.QueryGroupsAsync(new CspReportQuery { Take = 3 });
        var second = await store.QueryGroupsAsync(new CspReportQuery { Skip = 3, Take = 3 });
        var last = await store.QueryGroupsAsync(new CspReportQuery { Skip = 9, Take = 3 });
        var beyond = await store.QueryGroupsAsync(new CspReportQuery { Skip = 20, Take = 3 });

        Assert.That(first.Groups.Select(g => g.BlockedUri), Is.EqualTo(new[] { "k9", "k8", "k7" }));
        Assert.That(second.Groups.Select(g => g.BlockedUri), Is.EqualTo(new[] { "k6", "k5", "k4" }));
        Assert.That(last.Groups.Select(g => g.BlockedUri), Is.EqualTo(new[] { "k0" }));
        Assert.That(beyond.Groups, Is.Empty);
        Assert.That(new[] { first, second, last, beyond }.Select(p => p.TotalGroups), Has.All.EqualTo(10));
    }

    [Test]
    public async Task Default_page_takes_50_groups()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([.. Enumerable.Range(0, 60).Select(i => Report(T0, blocked: $"k{i}"))]);

        var page = await store.QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.Groups, Has.Count.EqualTo(50));
        Assert.That(page.TotalGroups, Is.EqualTo(60));
    }

    [Test]
    public async Task Negative_skip_and_take_are_treated_as_zero()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([Report(T0, blocked: "a"), Report(T0, blocked: "b")]);

        var negativeSkip = await store.QueryGroupsAsync(new CspReportQuery { Skip = -5 });
        var negativeTake = await store.QueryGroupsAsync(new CspReportQuery { Take = -1 });

        Assert.That(negativeSkip.Groups, Has.Count.EqualTo(2));
        Assert.That(negativeTake.Groups, Is.Empty);
        Assert.That(negativeTake.TotalGroups, Is.EqualTo(2));
    }

    [Test]
    public async Task Empty_store_gives_an_empty_page()
    {
        var page = await new InMemoryCspReportStore().QueryGroupsAsync(new CspReportQuery());

        Assert.That(page.Groups, Is.Empty);
        Assert.That(page.TotalGroups, Is.Zero);
    }

    [Test]
    public async Task Delete_older_than_removes_only_reports_strictly_before_the_cutoff()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([Report(T0.AddDays(-2)), Report(T0.AddTicks(-1)), Report(T0), Report(T0.AddDays(1))]);

        var removed = await store.DeleteOlderThanAsync(T0, 100);

        Assert.That(removed, Is.EqualTo(2));
        Assert.That(store.Snapshot().Select(r => r.ReceivedAt), Is.EqualTo(new[] { T0, T0.AddDays(1) }));
    }

    [Test]
    public async Task Delete_older_than_is_bounded_by_max_count()
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync([.. Enumerable.Range(0, 10).Select(i => Report(T0.AddMinutes(-i - 1), blocked: "old" + i))]);
        await store.SaveAsync([Report(T0.AddMinutes(1))]);

        Assert.That(await store.DeleteOlderThanAsync(T0, 4), Is.EqualTo(4));
        Assert.That(store.Count, Is.EqualTo(7));
        Assert.That(await store.DeleteOlderThanAsync(T0, 0), Is.Zero);
        Assert.That(await store.DeleteOlderThanAsync(T0, 100), Is.EqualTo(6));
        Assert.That(await store.DeleteOlderThanAsync(T0, 100), Is.Zero);
        Assert.That(store.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Concurrent_saves_keep_every_report_with_unique_ids()
    {
        var store = new InMemoryCspReportStore();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                await store.SaveAsync([Report(T0, blocked: $"https://x{t}-{i}.example/"), Report(T0)]);
            }
        })));

        var ids = store.Snapshot().Select(r => r.Id).ToList();
        Assert.That(ids, Has.Count.EqualTo(2000 + CspReportStoreOptions.DefaultReportsKeptPerGroup));
        Assert.That((await store.QueryGroupsAsync(new CspReportQuery { Take = 1 })).Groups.Single().Count, Is.EqualTo(2000), "the shared group counted every one");
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Is.Ordered);
    }

    [Test]
    public void Invalid_arguments_are_rejected()
    {
        var store = new InMemoryCspReportStore();

        Assert.ThrowsAsync<ArgumentNullException>(() => store.SaveAsync(null!));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.QueryGroupsAsync(null!));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.DeleteOlderThanAsync(T0, -1));
    }
}

namespace Security.Abstractions.Tests;

public class InMemoryThrottleCounterStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    [Test]
    public async Task First_increment_starts_at_one_and_records_the_time()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);

        var counter = await store.IncrementAsync("user:alice", T0);

        Assert.That(counter, Is.EqualTo(new ThrottleCounter("user:alice", 1, T0)));
    }

    [Test]
    public async Task Each_increment_adds_one_and_moves_the_last_failure()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);

        await store.IncrementAsync("k", T0);
        await store.IncrementAsync("k", T0.AddMinutes(1));
        var counter = await store.IncrementAsync("k", T0.AddMinutes(2));

        Assert.That(counter.Count, Is.EqualTo(3));
        Assert.That(counter.LastFailure, Is.EqualTo(T0.AddMinutes(2)));
        Assert.That(await store.GetAsync("k", T0.AddMinutes(2)), Is.EqualTo(counter));
    }

    [Test]
    public async Task Increment_with_an_earlier_time_keeps_the_latest_last_failure()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);

        await store.IncrementAsync("k", T0.AddMinutes(5));
        var counter = await store.IncrementAsync("k", T0);

        Assert.That(counter.Count, Is.EqualTo(2));
        Assert.That(counter.LastFailure, Is.EqualTo(T0.AddMinutes(5)));
    }

    [Test]
    public async Task Keys_are_counted_separately_and_compared_ordinally()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);

        await store.IncrementAsync("user:alice", T0);
        await store.IncrementAsync("user:alice", T0);
        await store.IncrementAsync("user:Alice", T0);

        Assert.That((await store.GetAsync("user:alice", T0))!.Count, Is.EqualTo(2));
        Assert.That((await store.GetAsync("user:Alice", T0))!.Count, Is.EqualTo(1));
        Assert.That(await store.GetAsync("user:bob", T0), Is.Null);
    }

    [Test]
    public async Task Concurrent_increments_on_one_key_are_never_lost()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            for (var i = 0; i < 1000; i++)
            {
                await store.IncrementAsync("k", T0);
            }
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks);

        Assert.That((await store.GetAsync("k", T0))!.Count, Is.EqualTo(8000));
    }

    [Test]
    public async Task Counter_is_alive_just_before_the_lifetime_ends()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        await store.IncrementAsync("k", T0);

        var counter = await store.GetAsync("k", T0 + Lifetime - TimeSpan.FromTicks(1));

        Assert.That(counter!.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Counter_is_expired_exactly_at_the_lifetime_boundary()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        await store.IncrementAsync("k", T0);

        Assert.That(await store.GetAsync("k", T0 + Lifetime), Is.Null);
    }

    [Test]
    public async Task Increment_after_expiry_restarts_at_one()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        await store.IncrementAsync("k", T0);
        await store.IncrementAsync("k", T0);

        var counter = await store.IncrementAsync("k", T0 + Lifetime);

        Assert.That(counter, Is.EqualTo(new ThrottleCounter("k", 1, T0 + Lifetime)));
    }

    [Test]
    public async Task Increment_just_before_expiry_keeps_counting()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        await store.IncrementAsync("k", T0);

        var counter = await store.IncrementAsync("k", T0 + Lifetime - TimeSpan.FromTicks(1));

        Assert.That(counter.Count, Is.EqualTo(2));
    }

    [Test]
    public async Task Default_lifetime_is_48_hours()
    {
        var store = new InMemoryThrottleCounterStore();
        await store.IncrementAsync("k", T0);

        Assert.That(ThrottleCounter.DefaultLifetime, Is.EqualTo(TimeSpan.FromHours(48)));
        Assert.That(await store.GetAsync("k", T0.AddHours(48).AddTicks(-1)), Is.Not.Null);
        Assert.That(await store.GetAsync("k", T0.AddHours(48)), Is.Null);
    }

    [Test]
    public async Task Reset_removes_the_counter()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        await store.IncrementAsync("k", T0);

        Assert.That(await store.ResetAsync("k"), Is.True);
        Assert.That(await store.GetAsync("k", T0), Is.Null);
        Assert.That(await store.ResetAsync("k"), Is.False);
        Assert.That((await store.IncrementAsync("k", T0)).Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Purge_deletes_only_expired_counters()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        await store.IncrementAsync("old", T0);
        await store.IncrementAsync("new", T0.AddMinutes(30));

        var removed = await store.PurgeExpiredAsync(T0 + Lifetime, 100);

        Assert.That(removed, Is.EqualTo(1));
        Assert.That(await store.ResetAsync("old"), Is.False);
        Assert.That(await store.GetAsync("new", T0 + Lifetime), Is.Not.Null);
    }

    [Test]
    public async Task Purge_is_bounded_by_max_count()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);
        for (var i = 0; i < 10; i++)
        {
            await store.IncrementAsync($"k{i}", T0);
        }

        var later = T0 + Lifetime;
        Assert.That(await store.PurgeExpiredAsync(later, 3), Is.EqualTo(3));
        Assert.That(await store.PurgeExpiredAsync(later, 0), Is.Zero);
        Assert.That(await store.PurgeExpiredAsync(later, 100), Is.EqualTo(7));
        Assert.That(await store.PurgeExpiredAsync(later, 100), Is.Zero);
    }

    [Test]
    public void Invalid_arguments_are_rejected()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime);

        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryThrottleCounterStore(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new InMemoryThrottleCounterStore(TimeSpan.FromSeconds(-1)));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.PurgeExpiredAsync(T0, -1));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.IncrementAsync(null!, T0));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.GetAsync(null!, T0));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.ResetAsync(null!));
    }

    [Test]
    public async Task Past_its_bound_the_store_drops_expired_counters_before_live_ones()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime, 10);
        for (var i = 0; i < 5; i++)
        {
            await store.IncrementAsync("old-" + i, T0);
        }

        var later = T0 + Lifetime + TimeSpan.FromMinutes(1);
        for (var i = 0; i < 6; i++)
        {
            await store.IncrementAsync("new-" + i, later);
        }

        Assert.That(store.Count, Is.EqualTo(6), "the five expired counters went first");
        Assert.That(await store.GetAsync("new-0", later), Is.Not.Null);
    }

    [Test]
    public async Task Past_its_bound_with_nothing_expired_the_store_drops_the_oldest()
    {
        var store = new InMemoryThrottleCounterStore(Lifetime, 10);
        for (var i = 0; i < 11; i++)
        {
            await store.IncrementAsync("k" + i, T0.AddSeconds(i));
        }

        Assert.That(store.Count, Is.LessThanOrEqualTo(10));
        Assert.That(await store.GetAsync("k0", T0.AddSeconds(11)), Is.Null, "the oldest went");
        Assert.That(await store.GetAsync("k10", T0.AddSeconds(11)), Is.Not.Null, "the newest stayed");
    }

    [Test]
    public async Task Past_its_bound_at_one_instant_the_store_drops_the_counters_touched_first()
    {
        // A frozen or coarse clock gives every counter the same last failure: the order of the attempts decides,
        // so a flood of new names cannot push out the counter of the name being attacked right now.
        var store = new InMemoryThrottleCounterStore(Lifetime, maxEntries: 10);
        for (var i = 0; i < 10; i++)
        {
            await store.IncrementAsync("k" + i, T0);
        }

        await store.IncrementAsync("user:alice", T0);

        Assert.That(store.Count, Is.EqualTo(9));
        Assert.That(await store.GetAsync("user:alice", T0), Is.Not.Null, "the newest stayed");
        Assert.That(await store.GetAsync("k0", T0), Is.Null, "the first went");
        Assert.That(await store.GetAsync("k1", T0), Is.Null, "the second went");
        for (var i = 2; i < 10; i++)
        {
            Assert.That(await store.GetAsync("k" + i, T0), Is.Not.Null, $"k{i} stayed");
        }
    }
}

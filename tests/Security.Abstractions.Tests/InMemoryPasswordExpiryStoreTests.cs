namespace Security.Abstractions.Tests;

public class InMemoryPasswordExpiryStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Unknown_user_has_no_record()
    {
        var store = new InMemoryPasswordExpiryStore();

        Assert.That(await store.FindAsync("alice"), Is.Null);
    }

    [Test]
    public async Task Get_or_create_creates_the_initial_record_once()
    {
        var store = new InMemoryPasswordExpiryStore();

        var first = await store.GetOrCreateAsync(new PasswordExpiry("alice", T0));
        var second = await store.GetOrCreateAsync(new PasswordExpiry("alice", T0.AddDays(1)));

        Assert.That(first, Is.EqualTo(new PasswordExpiry("alice", T0)));
        Assert.That(second, Is.EqualTo(first));
        Assert.That(await store.FindAsync("alice"), Is.EqualTo(first));
    }

    [Test]
    public async Task Concurrent_get_or_create_for_one_user_yields_one_record_everyone_sees()
    {
        var store = new InMemoryPasswordExpiryStore();
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.Wait();
            return store.GetOrCreateAsync(new PasswordExpiry("alice", T0.AddMinutes(i)));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        var stored = await store.FindAsync("alice");
        Assert.That(stored, Is.Not.Null);
        Assert.That(results, Has.All.SameAs(stored));
    }

    [Test]
    public async Task Set_replaces_the_record()
    {
        var store = new InMemoryPasswordExpiryStore();
        await store.GetOrCreateAsync(new PasswordExpiry("alice", T0));

        await store.SetAsync(new PasswordExpiry("alice", null));

        Assert.That(await store.FindAsync("alice"), Is.EqualTo(new PasswordExpiry("alice", null)));
        Assert.That(await store.GetOrCreateAsync(new PasswordExpiry("alice", T0)), Is.EqualTo(new PasswordExpiry("alice", null)));
    }

    [Test]
    public async Task User_ids_are_compared_ordinally()
    {
        var store = new InMemoryPasswordExpiryStore();
        await store.SetAsync(new PasswordExpiry("alice", T0));

        Assert.That(await store.FindAsync("Alice"), Is.Null);
    }

    [Test]
    public async Task Delete_removes_the_record()
    {
        var store = new InMemoryPasswordExpiryStore();
        await store.SetAsync(new PasswordExpiry("alice", T0));

        Assert.That(await store.DeleteAsync("alice"), Is.True);
        Assert.That(await store.FindAsync("alice"), Is.Null);
        Assert.That(await store.DeleteAsync("alice"), Is.False);
    }

    [Test]
    public void Null_arguments_are_rejected()
    {
        var store = new InMemoryPasswordExpiryStore();

        Assert.ThrowsAsync<ArgumentNullException>(() => store.FindAsync(null!));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.GetOrCreateAsync(null!));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.SetAsync(null!));
        Assert.ThrowsAsync<ArgumentNullException>(() => store.DeleteAsync(null!));
    }
}

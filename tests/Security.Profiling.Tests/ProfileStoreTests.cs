using Microsoft.Extensions.Options;
using Security.Profiling.Internal;

namespace Security.Profiling.Tests;

public sealed class ProfileStoreTests
{
    private static RequestProfile Profile(string path) =>
        new(DateTimeOffset.UnixEpoch, "GET", path, 200, false, TimeSpan.Zero, TimeSpan.Zero, 0, [], 0, [], 0, null);

    [Test]
    public void Keeps_the_latest_newest_first()
    {
        var store = new ProfileStore(Options.Create(new SecurityProfilingOptions { MaxStoredProfiles = 3 }));
        foreach (var path in new[] { "/1", "/2", "/3", "/4", "/5" })
        {
            store.Add(Profile(path));
        }

        Assert.That(store.Snapshot().Select(p => p.Path), Is.EqualTo(new[] { "/5", "/4", "/3" }));
    }

    [Test]
    public void Zero_keeps_nothing()
    {
        var store = new ProfileStore(Options.Create(new SecurityProfilingOptions { MaxStoredProfiles = 0 }));
        store.Add(Profile("/1"));

        Assert.That(store.Snapshot(), Is.Empty);
    }
}

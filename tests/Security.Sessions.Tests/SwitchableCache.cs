using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Security.Sessions.Tests;

/// <summary>
/// An in-memory distributed cache that counts its calls and can be taken down: while <see cref="Down"/>, every call
/// throws, as an unreachable Redis does.
/// </summary>
internal sealed class SwitchableCache : IDistributedCache
{
    private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
    private int _reads;
    private int _writes;
    private int _refreshes;

    public bool Down { get; set; }

    /// <summary>Gets so far.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Sets and removes so far.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Refreshes (sliding expiration only) so far.</summary>
    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Every call so far.</summary>
    public int Calls => Reads + Writes + Refreshes;

    public byte[]? Get(string key) => Up(ref _reads)._inner.Get(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Up(ref _reads)._inner.GetAsync(key, token);

    public void Refresh(string key) => Up(ref _refreshes)._inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => Up(ref _refreshes)._inner.RefreshAsync(key, token);

    public void Remove(string key) => Up(ref _writes)._inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => Up(ref _writes)._inner.RemoveAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Up(ref _writes)._inner.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Up(ref _writes)._inner.SetAsync(key, value, options, token);

    private SwitchableCache Up(ref int counter)
    {
        Interlocked.Increment(ref counter);
        return Down ? throw new InvalidOperationException("The session store is unreachable (test).") : this;
    }
}

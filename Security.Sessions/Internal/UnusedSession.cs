using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace Security.Sessions.Internal;

/// <summary>
/// The session of a request that has none worth loading (no session cookie and nobody signed in, an empty session, or
/// a static asset): it loads, stores and refreshes nothing unless the app itself uses it. When the app stores a first
/// value and <paramref name="startAt"/> is given, the session starts with its times, as if it had existed since the
/// request began, so its limits hold from then on.
/// </summary>
internal sealed class UnusedSession(ISession inner, DateTimeOffset? startAt) : ISession
{
    private bool _used;
    private bool _started;

    public bool IsAvailable => Use().IsAvailable;

    public string Id => Use().Id;

    public IEnumerable<string> Keys => Use().Keys;

    public Task LoadAsync(CancellationToken cancellationToken = default) => Use().LoadAsync(cancellationToken);

    // The session middleware commits every session: a session nobody used is not refreshed in the store either.
    public Task CommitAsync(CancellationToken cancellationToken = default) => _used ? inner.CommitAsync(cancellationToken) : Task.CompletedTask;

    public bool TryGetValue(string key, [NotNullWhen(true)] out byte[]? value) => Use().TryGetValue(key, out value);

    public void Set(string key, byte[] value)
    {
        Use();
        if (!_started && startAt is { } start)
        {
            _started = true;
            new SessionTimes(start, start, null).Write(inner);
        }

        inner.Set(key, value);
    }

    public void Remove(string key) => Use().Remove(key);

    public void Clear() => Use().Clear();

    private ISession Use()
    {
        _used = true;
        return inner;
    }
}

using System.Collections.Concurrent;

namespace Security.Abstractions;

/// <summary>
/// Process-local <see cref="IPasswordExpiryStore"/>, the default. Records are lost when the app
/// stops: use the EF Core store from Security.Persistence in production.
/// </summary>
public sealed class InMemoryPasswordExpiryStore : IPasswordExpiryStore
{
    private readonly ConcurrentDictionary<string, PasswordExpiry> _records = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<PasswordExpiry?> FindAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Task.FromResult(_records.TryGetValue(userId, out var record) ? record : null);
    }

    /// <inheritdoc />
    public Task<PasswordExpiry> GetOrCreateAsync(PasswordExpiry initial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        return Task.FromResult(_records.GetOrAdd(initial.UserId, initial));
    }

    /// <inheritdoc />
    public Task SetAsync(PasswordExpiry expiry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expiry);
        _records[expiry.UserId] = expiry;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return Task.FromResult(_records.TryRemove(userId, out _));
    }
}

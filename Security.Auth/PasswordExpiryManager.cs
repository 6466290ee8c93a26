using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Reads and changes users' password expiry records by the rules of <see cref="PasswordExpiryOptions"/>.
/// Identity apps get this wired through <c>AddIdentity(...).AddPasswordExpiry()</c>; other apps call
/// <see cref="MarkPasswordChangedAsync"/> after their own successful password change. Records read are remembered
/// per user for <see cref="PasswordExpiryOptions.ValidationInterval"/>; a change made through this manager is seen
/// at once on this instance.
/// </summary>
public sealed partial class PasswordExpiryManager
{
    // Stores may be scoped (a DbContext): each operation resolves one in its own scope, never from the root.
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly bool _expireNewUsers;
    private readonly TimeSpan? _maxPasswordAge;
    private readonly TimeSpan _validationInterval;
    private readonly UserCheckCache<PasswordExpiry> _records;
    private readonly ILogger _logger;

    internal PasswordExpiryManager(
        IServiceScopeFactory scopes,
        TimeProvider time,
        IOptions<PasswordExpiryOptions> options,
        UserCheckCache<PasswordExpiry> records,
        ILogger<PasswordExpiryManager> logger)
    {
        _scopes = scopes;
        _time = time;
        var value = options.Value;
        _expireNewUsers = value.ExpireNewUsers;
        _maxPasswordAge = value.MaxPasswordAge;
        _validationInterval = value.ValidationInterval;
        _records = records;
        _logger = logger;
    }

    /// <summary>
    /// Whether the user's password has expired now. A user with no record gets one: already expired
    /// when <see cref="PasswordExpiryOptions.ExpireNewUsers"/> is on, else never expiring. The record comes from
    /// memory when it was read less than <see cref="PasswordExpiryOptions.ValidationInterval"/> ago.
    /// </summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async Task<bool> IsExpiredAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = _time.GetUtcNow();
        if (_records.TryGet(userId, out var remembered))
        {
            return remembered.IsExpired(now);
        }

        var version = _records.Version;
        await using var scope = _scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IPasswordExpiryStore>();
        var record = await store.FindAsync(userId, cancellationToken);
        if (record is null)
        {
            record = await store.GetOrCreateAsync(new PasswordExpiry(userId, _expireNewUsers ? now : null), cancellationToken);
            Log.RecordCreated(_logger, userId, record.ExpiresAt);
        }

        _records.Set(userId, record, _validationInterval, version);
        return record.IsExpired(now);
    }

    /// <summary>
    /// Records a successful password change: the password never expires, or expires after
    /// <see cref="PasswordExpiryOptions.MaxPasswordAge"/> when one is set.
    /// </summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task MarkPasswordChangedAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var expiresAt = _maxPasswordAge is { } age ? _time.GetUtcNow() + age : (DateTimeOffset?)null;
        await using var scope = _scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPasswordExpiryStore>().SetAsync(new PasswordExpiry(userId, expiresAt), cancellationToken);
        _records.Invalidate(userId);
        Log.PasswordChanged(_logger, userId, expiresAt);
    }

    /// <summary>Makes the user change their password at their next request.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task ExpireNowAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var scope = _scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IPasswordExpiryStore>().SetAsync(new PasswordExpiry(userId, _time.GetUtcNow()), cancellationToken);
        _records.Invalidate(userId);
    }

    /// <summary>Deletes the user's record (when the user is deleted).</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="true"/> when a record was deleted.</returns>
    public async Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var scope = _scopes.CreateAsyncScope();
        var deleted = await scope.ServiceProvider.GetRequiredService<IPasswordExpiryStore>().DeleteAsync(userId, cancellationToken);
        _records.Invalidate(userId);
        Log.RecordDeleted(_logger, userId);
        return deleted;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1102, EventName = "PasswordExpiryRecordCreated", Level = LogLevel.Debug, Message = "Password expiry record created for user {UserId}, expiring at {ExpiresAt}.")]
        public static partial void RecordCreated(ILogger logger, string userId, DateTimeOffset? expiresAt);

        [LoggerMessage(EventId = 1103, EventName = "PasswordChanged", Level = LogLevel.Information, Message = "Password of user {UserId} changed; it now expires at {ExpiresAt}.")]
        public static partial void PasswordChanged(ILogger logger, string userId, DateTimeOffset? expiresAt);

        [LoggerMessage(EventId = 1104, EventName = "PasswordExpiryRecordDeleted", Level = LogLevel.Information, Message = "Password expiry record of user {UserId} deleted.")]
        public static partial void RecordDeleted(ILogger logger, string userId);
    }
}

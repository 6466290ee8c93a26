using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Security.Abstractions;
using static Security.Persistence.Model.SecurityColumns;

namespace Security.Persistence.Stores;

/// <summary><see cref="IPasswordExpiryStore"/> on EF Core: one row per user id, upserts in one statement.</summary>
/// <typeparam name="TContext">The context holding the security tables.</typeparam>
internal sealed class EfPasswordExpiryStore<TContext>(IDbContextFactory<TContext> contexts) : IPasswordExpiryStore
    where TContext : DbContext
{
    private readonly StoreDatabase.Cache _database = new();

    public async Task<PasswordExpiry?> FindAsync(string userId, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(userId);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        return await FindAsync(context, userId, stored, cancellationToken);
    }

    public async Task<PasswordExpiry> GetOrCreateAsync(PasswordExpiry initial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        var stored = StoreKey.ToStored(initial.UserId);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        // Read first: the common case (a record exists) writes nothing. A concurrent delete between the
        // insert and the read sends us round again.
        for (var attempt = 0; ; attempt++)
        {
            if (await FindAsync(context, initial.UserId, stored, cancellationToken) is { } existing)
            {
                return existing;
            }

            await using var command = await StoreDatabase.CommandAsync(
                context,
                $"""
                INSERT INTO {db.PasswordExpiryTable} ({UserId}, {ExpiresAt}) VALUES (@user, @expires)
                ON CONFLICT ({UserId}) DO NOTHING
                RETURNING {ExpiresAt}
                """,
                cancellationToken);
            StoreDatabase.Add(command, "user", stored);
            StoreDatabase.Add(command, "expires", initial.ExpiresAt is { } expires ? db.Time(expires) : null);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return new PasswordExpiry(initial.UserId, ReadExpiry(db, reader));
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException($"The password expiry record of a user kept changing; giving up after {attempt + 1} attempts.");
            }
        }
    }

    public async Task SetAsync(PasswordExpiry expiry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expiry);
        var stored = StoreKey.ToStored(expiry.UserId);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        await using var command = await StoreDatabase.CommandAsync(
            context,
            $"""
            INSERT INTO {db.PasswordExpiryTable} ({UserId}, {ExpiresAt}) VALUES (@user, @expires)
            ON CONFLICT ({UserId}) DO UPDATE SET {ExpiresAt} = excluded.{ExpiresAt}
            """,
            cancellationToken);
        StoreDatabase.Add(command, "user", stored);
        StoreDatabase.Add(command, "expires", expiry.ExpiresAt is { } expires ? db.Time(expires) : null);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(userId);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        await using var command = await StoreDatabase.CommandAsync(
            context, $"DELETE FROM {db.PasswordExpiryTable} WHERE {UserId} = @user", cancellationToken);
        StoreDatabase.Add(command, "user", stored);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private async Task<PasswordExpiry?> FindAsync(TContext context, string userId, string stored, CancellationToken cancellationToken)
    {
        var db = _database.Get(context);
        await using var command = await StoreDatabase.CommandAsync(
            context, $"SELECT {ExpiresAt} FROM {db.PasswordExpiryTable} WHERE {UserId} = @user", cancellationToken);
        StoreDatabase.Add(command, "user", stored);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new PasswordExpiry(userId, ReadExpiry(db, reader)) : null;
    }

    private static DateTimeOffset? ReadExpiry(StoreDatabase db, DbDataReader reader) =>
        reader.IsDBNull(0) ? null : db.ReadTime(reader, 0);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Persistence.Internal.Model;
using static Security.Persistence.Internal.Model.SecurityColumns;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// <see cref="IPasswordExpiryStore"/> on EF Core: one row per user id. PostgreSQL upserts in one statement; any other
/// provider takes EF Core's update-then-insert, run again when a concurrent request inserted the same user first.
/// </summary>
/// <typeparam name="TContext">The context holding the security tables.</typeparam>
internal sealed class EfPasswordExpiryStore<TContext>(IDbContextFactory<TContext> contexts, IOptions<SecurityStoreOptions> options)
    : IPasswordExpiryStore
    where TContext : DbContext
{
    private readonly StoreDatabase.Cache _database = new(options.Value.GenericPathOnly);

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
        // Read first: the common case (a record exists) writes nothing. A concurrent insert (or delete) between the
        // read and the insert sends us round again.
        for (var attempt = 0; ; attempt++)
        {
            if (await FindAsync(context, initial.UserId, stored, cancellationToken) is { } existing)
            {
                return existing;
            }

            if (await TryInsertAsync(context, db, stored, initial.ExpiresAt, cancellationToken) is { } created)
            {
                return new PasswordExpiry(initial.UserId, created.ExpiresAt);
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
        var expiresAt = expiry.ExpiresAt?.ToUniversalTime();
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        if (db.FastPath)
        {
            await using var command = await StoreDatabase.CommandAsync(
                context,
                $"""
                INSERT INTO {db.PasswordExpiryTable} ({UserId}, {ExpiresAt}) VALUES (@user, @expires)
                ON CONFLICT ({UserId}) DO UPDATE SET {ExpiresAt} = excluded.{ExpiresAt}
                """,
                cancellationToken);
            StoreDatabase.Add(command, "user", stored);
            StoreDatabase.Add(command, "expires", expiresAt is { } expires ? db.Time(expires) : null);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        // Update, else insert; a concurrent insert of the same user makes the insert fail: update again.
        var rows = context.Set<PasswordExpiryRow>();
        for (var attempt = 0; ; attempt++)
        {
            if (await rows.Where(r => r.UserId == stored).ExecuteUpdateAsync(set => set.SetProperty(r => r.ExpiresAt, expiresAt), cancellationToken) > 0
                || await TryInsertAsync(context, db, stored, expiresAt, cancellationToken) is not null)
            {
                return;
            }

            if (attempt >= 3)
            {
                throw new InvalidOperationException($"The password expiry record of a user kept changing; giving up after {attempt + 1} attempts.");
            }
        }
    }

    public async Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(userId);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        return await GenericPath.DeleteAsync(context, db.PasswordExpiryTable, $"{UserId} = {{0}}", [stored], cancellationToken) > 0;
    }

    private static async Task<PasswordExpiry?> FindAsync(TContext context, string userId, string stored, CancellationToken cancellationToken)
    {
        var row = await context.Set<PasswordExpiryRow>().AsNoTracking().Where(r => r.UserId == stored)
            .Select(r => new { r.ExpiresAt }).FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new PasswordExpiry(userId, row.ExpiresAt?.ToUniversalTime());
    }

    // Inserts the row unless one exists; null when one did (inserted meanwhile by someone else).
    private static async Task<PasswordExpiryRow?> TryInsertAsync(
        TContext context, StoreDatabase db, string stored, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        expiresAt = expiresAt?.ToUniversalTime();
        if (db.FastPath)
        {
            await using var command = await StoreDatabase.CommandAsync(
                context,
                $"""
                INSERT INTO {db.PasswordExpiryTable} ({UserId}, {ExpiresAt}) VALUES (@user, @expires)
                ON CONFLICT ({UserId}) DO NOTHING
                """,
                cancellationToken);
            StoreDatabase.Add(command, "user", stored);
            StoreDatabase.Add(command, "expires", expiresAt is { } expires ? db.Time(expires) : null);
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0 ? new PasswordExpiryRow { UserId = stored, ExpiresAt = expiresAt } : null;
        }

        var row = new PasswordExpiryRow { UserId = stored, ExpiresAt = expiresAt };
        context.Add(row);
        try
        {
            await context.SaveChangesAsync(cancellationToken);
            return row;
        }
        catch (DbUpdateException)
        {
            context.ChangeTracker.Clear();
            if (await context.Set<PasswordExpiryRow>().AsNoTracking().AnyAsync(r => r.UserId == stored, cancellationToken))
            {
                // The key was taken meanwhile: not an error, the caller reads or updates the existing row.
                return null;
            }

            throw;
        }
        finally
        {
            context.ChangeTracker.Clear();
        }
    }
}

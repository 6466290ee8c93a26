using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Persistence.Internal.Model;
using static Security.Persistence.Internal.Model.SecurityColumns;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// <see cref="IThrottleCounterStore"/> on EF Core: every increment is atomic in the database, so app instances
/// sharing it see one count. PostgreSQL: one upsert statement; any other provider: EF Core's update-then-insert in a
/// transaction, run again when a concurrent instance inserted the same key first.
/// </summary>
/// <typeparam name="TContext">The context holding the security tables.</typeparam>
internal sealed class EfThrottleCounterStore<TContext>(IDbContextFactory<TContext> contexts, IOptions<SecurityStoreOptions> options)
    : IThrottleCounterStore
    where TContext : DbContext
{
    private readonly StoreDatabase.Cache _database = new(options.Value.GenericPathOnly);
    private readonly TimeSpan _lifetime = options.Value.ThrottleCounterLifetime;

    public async Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(key);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        if (!db.FastPath)
        {
            return await IncrementGenericAsync(context, db, key, stored, now, cancellationToken);
        }

        // One upsert: the row is locked by the statement, so concurrent increments from any instance serialize.
        // An expired counter (last failure at or before now - lifetime) restarts at 1, as in the in-memory store.
        var sql = $"""
            INSERT INTO {db.ThrottleCounterTable} AS t ({CounterKey}, {FailureCount}, {LastFailure})
            VALUES (@key, 1, @now)
            ON CONFLICT ({CounterKey}) DO UPDATE SET
                {FailureCount} = CASE WHEN t.{LastFailure} <= @expired THEN 1 ELSE t.{FailureCount} + 1 END,
                {LastFailure} = CASE WHEN t.{LastFailure} <= @expired OR t.{LastFailure} < @now THEN @now ELSE t.{LastFailure} END
            RETURNING {FailureCount}, {LastFailure}
            """;
        await using var command = await StoreDatabase.CommandAsync(context, sql, cancellationToken);
        StoreDatabase.Add(command, "key", stored);
        StoreDatabase.Add(command, "now", db.Time(now));
        StoreDatabase.Add(command, "expired", db.Time(now - _lifetime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The throttle counter upsert returned no row.");
        }

        return new ThrottleCounter(key, reader.GetInt64(0), db.ReadTime(reader, 1));
    }

    public async Task<ThrottleCounter?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(key);
        var expired = now - _lifetime;
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var row = await context.Set<ThrottleCounterRow>().AsNoTracking()
            .Where(r => r.CounterKey == stored && r.LastFailure > expired)
            .Select(r => new { r.FailureCount, r.LastFailure })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new ThrottleCounter(key, row.FailureCount, row.LastFailure.ToUniversalTime());
    }

    public async Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(key);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        return await GenericPath.DeleteAsync(context, db.ThrottleCounterTable, $"{CounterKey} = {{0}}", [stored], cancellationToken) > 0;
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0)
        {
            return 0;
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        if (!db.FastPath)
        {
            return await PurgeGenericAsync(context, db, now - _lifetime, maxCount, cancellationToken);
        }

        // Bounded, and safe for N instances at once: each picks rows no other purge holds (SKIP LOCKED); a counter
        // renewed meanwhile fails the outer re-check and survives.
        var sql = $"""
            DELETE FROM {db.ThrottleCounterTable}
            WHERE {CounterKey} IN (
                SELECT {CounterKey} FROM {db.ThrottleCounterTable} WHERE {LastFailure} <= @expired
                LIMIT @max FOR UPDATE SKIP LOCKED)
              AND {LastFailure} <= @expired
            """;
        await using var command = await StoreDatabase.CommandAsync(context, sql, cancellationToken);
        StoreDatabase.Add(command, "expired", db.Time(now - _lifetime));
        StoreDatabase.Add(command, "max", maxCount);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The generic increment: update the row if it exists, else insert it, in one transaction. The update locks the row
    // until the commit, so concurrent increments queue and each reads back its own count; two first failures of one
    // key both insert, the second fails on the key and runs again, now as an update.
    private Task<ThrottleCounter> IncrementGenericAsync(
        TContext context, StoreDatabase db, string key, string stored, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expired = now - _lifetime;
        var counters = context.Set<ThrottleCounterRow>();
        return GenericPath.InTransactionAsync(
            context,
            db,
            async () =>
            {
                // The count is set before the time: MySQL and MariaDB assign left to right, and the count reads the old time.
                var updated = await counters.Where(r => r.CounterKey == stored).ExecuteUpdateAsync(
                    set => set
                        .SetProperty(r => r.FailureCount, r => r.LastFailure <= expired ? 1 : r.FailureCount + 1)
                        .SetProperty(r => r.LastFailure, r => r.LastFailure <= expired || r.LastFailure < now ? now : r.LastFailure),
                    cancellationToken);
                if (updated == 0)
                {
                    context.Add(new ThrottleCounterRow { CounterKey = stored, FailureCount = 1, LastFailure = now.ToUniversalTime() });
                    await context.SaveChangesAsync(cancellationToken);
                    return new ThrottleCounter(key, 1, now);
                }

                var row = await counters.AsNoTracking().Where(r => r.CounterKey == stored)
                    .Select(r => new { r.FailureCount, r.LastFailure }).SingleAsync(cancellationToken);
                return new ThrottleCounter(key, row.FailureCount, row.LastFailure.ToUniversalTime());
            },
            static e => e is DbUpdateException,
            cancellationToken);
    }

    // The generic purge: pick up to maxCount expired keys, delete those still expired. Another instance's purge may
    // delete some of them first (each row is deleted once): pick again until maxCount are deleted or none is left, so
    // a result below maxCount still means "no more", as the clean-up loop reads it.
    private static async Task<int> PurgeGenericAsync(TContext context, StoreDatabase db, DateTimeOffset expired, int maxCount, CancellationToken cancellationToken)
    {
        var counters = context.Set<ThrottleCounterRow>();
        var deleted = 0;
        while (deleted < maxCount)
        {
            var keys = await counters.AsNoTracking().Where(r => r.LastFailure <= expired)
                .OrderBy(r => r.LastFailure).ThenBy(r => r.CounterKey).Select(r => r.CounterKey)
                .Take(maxCount - deleted).ToListAsync(cancellationToken);
            if (keys.Count == 0)
            {
                break;
            }

            deleted += await GenericPath.DeleteAsync(
                context,
                db.ThrottleCounterTable,
                $"{LastFailure} <= {{0}} AND {CounterKey} IN ({GenericPath.Placeholders(1, keys.Count)})",
                [db.Time(expired), .. keys],
                cancellationToken);
        }

        return deleted;
    }
}

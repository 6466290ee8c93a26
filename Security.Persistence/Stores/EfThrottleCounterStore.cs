using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using static Security.Persistence.Model.SecurityColumns;

namespace Security.Persistence.Stores;

/// <summary>
/// <see cref="IThrottleCounterStore"/> on EF Core: every operation is one SQL statement, so app instances
/// sharing the database see one count.
/// </summary>
/// <typeparam name="TContext">The context holding the security tables.</typeparam>
internal sealed class EfThrottleCounterStore<TContext>(IDbContextFactory<TContext> contexts, IOptions<SecurityStoreOptions> options)
    : IThrottleCounterStore
    where TContext : DbContext
{
    private readonly StoreDatabase.Cache _database = new();
    private readonly TimeSpan _lifetime = options.Value.ThrottleCounterLifetime;

    public async Task<ThrottleCounter> IncrementAsync(string key, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(key);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
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
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        await using var command = await StoreDatabase.CommandAsync(
            context,
            $"SELECT {FailureCount}, {LastFailure} FROM {db.ThrottleCounterTable} WHERE {CounterKey} = @key AND {LastFailure} > @expired",
            cancellationToken);
        StoreDatabase.Add(command, "key", stored);
        StoreDatabase.Add(command, "expired", db.Time(now - _lifetime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ThrottleCounter(key, reader.GetInt64(0), db.ReadTime(reader, 1))
            : null;
    }

    public async Task<bool> ResetAsync(string key, CancellationToken cancellationToken = default)
    {
        var stored = StoreKey.ToStored(key);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        await using var command = await StoreDatabase.CommandAsync(
            context, $"DELETE FROM {db.ThrottleCounterTable} WHERE {CounterKey} = @key", cancellationToken);
        StoreDatabase.Add(command, "key", stored);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
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
        // Bounded, and safe for N instances at once: on PostgreSQL each picks rows no other purge holds
        // (SKIP LOCKED); a counter renewed meanwhile fails the outer re-check and survives.
        var sql = $"""
            DELETE FROM {db.ThrottleCounterTable}
            WHERE {CounterKey} IN (
                SELECT {CounterKey} FROM {db.ThrottleCounterTable} WHERE {LastFailure} <= @expired
                LIMIT @max{(db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "")})
              AND {LastFailure} <= @expired
            """;
        await using var command = await StoreDatabase.CommandAsync(context, sql, cancellationToken);
        StoreDatabase.Add(command, "expired", db.Time(now - _lifetime));
        StoreDatabase.Add(command, "max", maxCount);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

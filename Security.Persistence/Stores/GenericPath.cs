using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Security.Persistence.Stores;

/// <summary>
/// The transactions of the generic path (EF Core's own LINQ, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> and
/// <c>SaveChanges</c>), which any relational provider runs.
/// </summary>
internal static class GenericPath
{
    /// <summary>How many times a transaction the database rolled back for a conflict is run again.</summary>
    public const int MaxAttempts = 10;

    /// <summary>
    /// Begins a transaction: read committed where the database has row locks (no gap locks on MySQL/MariaDB, whose
    /// default repeatable read deadlocks two inserts of new keys), SQLite's default otherwise (its transactions take
    /// the write lock when they begin, so writers simply queue).
    /// </summary>
    public static async Task<IDbContextTransaction> BeginAsync(DbContext context, StoreDatabase db, CancellationToken cancellationToken)
    {
        // Opened by the store first, so SQLite's busy timeout is set before the transaction takes the connection.
        await StoreDatabase.OpenAsync(context, cancellationToken);
        return db.IsSqlite
            ? await context.Database.BeginTransactionAsync(cancellationToken)
            : await context.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and commits it; runs it again from the start, in a new transaction,
    /// when the database rolled it back for a conflict (a deadlock, a serialization failure) or when
    /// <paramref name="retry"/> says so (e.g. a concurrent insert of the same key), at most <see cref="MaxAttempts"/> times.
    /// </summary>
    public static async Task<T> InTransactionAsync<T>(
        DbContext context, StoreDatabase db, Func<Task<T>> work, Func<Exception, bool>? retry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var transaction = await BeginAsync(context, db, cancellationToken);
                var result = await work();
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && (StoreDatabase.IsTransactionConflict(e) || retry?.Invoke(e) == true))
            {
                // Nothing was committed; forget what the failed attempt tracked.
                context.ChangeTracker.Clear();
            }
        }
    }
}

using System.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// The transactions and deletes of the generic path (EF Core's own LINQ, <c>ExecuteUpdate</c> and
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

    /// <summary>
    /// Deletes rows with one plain <c>DELETE FROM table WHERE ...</c>, whose <paramref name="where"/> names columns
    /// and <c>{0}</c>-style parameters. Every relational database runs this statement as written, where EF Core's
    /// <c>ExecuteDelete</c> goes through the provider's translation: MySql.EntityFrameworkCore writes
    /// <c>DELETE FROM t AS alias</c>, which MariaDB before 11.6 refuses. Runs in the context's current transaction.
    /// </summary>
    public static Task<int> DeleteAsync(DbContext context, string table, string where, IEnumerable<object> values, CancellationToken cancellationToken)
    {
        // Only names from the model and our own placeholders are put in the text; every value is a parameter.
        var sql = "DELETE FROM " + table + " WHERE " + where;
        return context.Database.ExecuteSqlRawAsync(sql, values, cancellationToken);
    }

    /// <summary><c>{first}, {first + 1}, ...</c>: the parameter placeholders of an <c>IN</c> list of <paramref name="count"/> values.</summary>
    public static string Placeholders(int first, int count) =>
        string.Join(", ", Enumerable.Range(first, count).Select(i => "{" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}"));
}

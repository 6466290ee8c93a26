using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Security.Persistence.Internal.Model;

namespace Security.Persistence.Internal.Stores;

/// <summary>The provider-specific facts the stores' SQL needs, read once from a context's model.</summary>
internal sealed class StoreDatabase
{
    private const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    private StoreDatabase(bool isPostgres, bool isSqlite, bool fastPath, string cspTable, string cspGroupTable, string passwordExpiryTable, string throttleCounterTable)
    {
        IsPostgres = isPostgres;
        IsSqlite = isSqlite;
        FastPath = fastPath;
        CspTable = cspTable;
        CspGroupTable = cspGroupTable;
        PasswordExpiryTable = passwordExpiryTable;
        ThrottleCounterTable = throttleCounterTable;
    }

    /// <summary>PostgreSQL (times as <c>timestamptz</c>) rather than another provider (times as UTC ticks).</summary>
    public bool IsPostgres { get; }

    /// <summary>SQLite: no schemas, one writer at a time (its transactions take the write lock when they begin).</summary>
    public bool IsSqlite { get; }

    /// <summary>
    /// PostgreSQL's own SQL (binary <c>COPY</c>, <c>ON CONFLICT</c>, <c>SKIP LOCKED</c>) rather than the generic path
    /// written with EF Core itself, which every other relational provider takes.
    /// </summary>
    public bool FastPath { get; }

    /// <summary>Delimited, schema-qualified table names.</summary>
    public string CspTable { get; }

    public string CspGroupTable { get; }

    public string PasswordExpiryTable { get; }

    public string ThrottleCounterTable { get; }

    public static StoreDatabase For(DbContext context, bool genericPathOnly = false)
    {
        if (!context.Database.IsRelational())
        {
            throw new NotSupportedException(
                $"Security.Persistence stores need a relational EF Core provider; the context {context.GetType().Name} uses {context.Database.ProviderName}.");
        }

        var provider = context.Database.ProviderName;
        var isPostgres = string.Equals(provider, NpgsqlProvider, StringComparison.Ordinal);
        var isSqlite = string.Equals(provider, SqliteProvider, StringComparison.Ordinal);

        var sql = context.GetService<ISqlGenerationHelper>();
        string Table<T>()
        {
            var entity = context.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException(
                $"The context {context.GetType().Name} has no security tables: call modelBuilder.ApplySecurityModel(...) in its OnModelCreating.");
            var name = entity.GetTableName()!;
            // SQLite has no schemas: EF ignores them there, and so do we.
            return isSqlite ? sql.DelimitIdentifier(name) : sql.DelimitIdentifier(name, entity.GetSchema());
        }

        return new StoreDatabase(isPostgres, isSqlite, isPostgres && !genericPathOnly, Table<CspReportRow>(), Table<CspReportGroupRow>(), Table<PasswordExpiryRow>(), Table<ThrottleCounterRow>());
    }

    /// <summary>A time as the column stores it: UTC <c>timestamptz</c> on PostgreSQL, UTC ticks elsewhere.</summary>
    public object Time(DateTimeOffset value) => IsPostgres ? value.ToUniversalTime() : value.UtcTicks;

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => IsPostgres
        ? reader.GetFieldValue<DateTimeOffset>(ordinal)
        : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    /// <summary>Whether the error is about the row (its data), not about the database being unreachable.</summary>
    public static bool IsBadData(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => IsBadData(inner),
        // SQLite has no SQLSTATE; its result codes 18 SQLITE_TOOBIG, 19 SQLITE_CONSTRAINT, 20 SQLITE_MISMATCH, 25 SQLITE_RANGE.
        // Read by name: this package does not reference the SQLite provider, the app does.
        DbException sqlite when SqliteErrorCode(sqlite) is { } code => code is 18 or 19 or 20 or 25,
        // SQLSTATE classes 22: data exception, 23: integrity constraint violation, 54: program limit exceeded
        // (e.g. an index row too big). PostgreSQL and MySQL/MariaDB report them; so do most ADO.NET providers.
        DbException db when SqlState(db) is { Length: 5 } state => state.StartsWith("22", StringComparison.Ordinal)
            || state.StartsWith("23", StringComparison.Ordinal) || state.StartsWith("54", StringComparison.Ordinal),
        ArgumentException or FormatException or InvalidCastException or OverflowException => true,
        _ => false,
    };

    /// <summary>
    /// Whether the transaction was rolled back by the database to resolve a conflict (SQLSTATE class 40: a deadlock or a
    /// serialization failure), so running it again from the start is safe and should succeed.
    /// </summary>
    public static bool IsTransactionConflict(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => IsTransactionConflict(inner),
        DbException db when SqlState(db) is { } state => state.StartsWith("40", StringComparison.Ordinal),
        _ => false,
    };

    // DbException.SqlState; MySql.Data leaves it empty, so there the SQLSTATE class is read from the server's error number
    // (MySqlException.Number, read by name: this package does not reference that driver).
    private static string? SqlState(DbException exception) => exception.SqlState ?? MySqlErrorNumber(exception) switch
    {
        1213 => "40001", // ER_LOCK_DEADLOCK: the transaction was rolled back
        1048 or 1062 or 1451 or 1452 or 3819 or 4025 => "23000", // NOT NULL, duplicate key, foreign key, CHECK (MySQL, MariaDB)
        1264 or 1265 or 1292 or 1366 or 1406 => "22000", // out of range, truncated, bad date, bad string, too long
        _ => null,
    };

    private static int? MySqlErrorNumber(DbException exception) =>
        string.Equals(exception.GetType().FullName, "MySql.Data.MySqlClient.MySqlException", StringComparison.Ordinal)
            ? exception.GetType().GetProperty("Number")?.GetValue(exception) as int?
            : null;

    // Microsoft.Data.Sqlite's SqliteException.SqliteErrorCode, read by name (its ErrorCode is not the SQLite code).
    private static int? SqliteErrorCode(DbException exception) =>
        string.Equals(exception.GetType().FullName, "Microsoft.Data.Sqlite.SqliteException", StringComparison.Ordinal)
            ? exception.GetType().GetProperty("SqliteErrorCode")?.GetValue(exception) as int?
            : null;

    public static async Task<DbCommand> CommandAsync(DbContext context, string sql, CancellationToken cancellationToken)
    {
        await OpenAsync(context, cancellationToken);
        var command = context.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>Opens the context's connection (kept open until the context is disposed).</summary>
    public static async Task OpenAsync(DbContext context, CancellationToken cancellationToken)
    {
        var connection = context.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await context.Database.OpenConnectionAsync(cancellationToken);
            if (string.Equals(context.Database.ProviderName, SqliteProvider, StringComparison.Ordinal))
            {
                // Let SQLite itself wait for a competing writer, also when a statement commits (where
                // Microsoft.Data.Sqlite does not retry), as long as the connection's default command timeout.
                await using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout = " + (pragma.CommandTimeout * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await pragma.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    public static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Reads the table names once per store, from the first context it creates.</summary>
    internal sealed class Cache(bool genericPathOnly = false)
    {
        private StoreDatabase? _database;

        public StoreDatabase Get(DbContext context) => _database ??= For(context, genericPathOnly);
    }
}

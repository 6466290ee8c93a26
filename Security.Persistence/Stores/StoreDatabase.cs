using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Security.Persistence.Model;

namespace Security.Persistence.Stores;

/// <summary>The provider-specific facts the stores' SQL needs, read once from a context's model.</summary>
internal sealed class StoreDatabase
{
    private const string NpgsqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    private StoreDatabase(bool isPostgres, string cspTable, string cspGroupTable, string passwordExpiryTable, string throttleCounterTable)
    {
        IsPostgres = isPostgres;
        CspTable = cspTable;
        CspGroupTable = cspGroupTable;
        PasswordExpiryTable = passwordExpiryTable;
        ThrottleCounterTable = throttleCounterTable;
    }

    /// <summary>PostgreSQL (times as <c>timestamptz</c>) rather than SQLite (times as UTC ticks).</summary>
    public bool IsPostgres { get; }

    /// <summary>Delimited, schema-qualified table names.</summary>
    public string CspTable { get; }

    public string CspGroupTable { get; }

    public string PasswordExpiryTable { get; }

    public string ThrottleCounterTable { get; }

    public static StoreDatabase For(DbContext context)
    {
        var provider = context.Database.ProviderName;
        var isPostgres = string.Equals(provider, NpgsqlProvider, StringComparison.Ordinal);
        if (!isPostgres && !string.Equals(provider, SqliteProvider, StringComparison.Ordinal))
        {
            throw new NotSupportedException(
                $"Security.Persistence stores support PostgreSQL (Npgsql) and SQLite; the context {context.GetType().Name} uses {provider}.");
        }

        var sql = context.GetService<ISqlGenerationHelper>();
        string Table<T>()
        {
            var entity = context.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException(
                $"The context {context.GetType().Name} has no security tables: call modelBuilder.ApplySecurityModel(...) in its OnModelCreating.");
            var name = entity.GetTableName()!;
            // SQLite has no schemas: EF ignores them there, and so do we.
            return isPostgres ? sql.DelimitIdentifier(name, entity.GetSchema()) : sql.DelimitIdentifier(name);
        }

        return new StoreDatabase(isPostgres, Table<CspReportRow>(), Table<CspReportGroupRow>(), Table<PasswordExpiryRow>(), Table<ThrottleCounterRow>());
    }

    /// <summary>A time as the column stores it: UTC <c>timestamptz</c> on PostgreSQL, UTC ticks on SQLite.</summary>
    public object Time(DateTimeOffset value) => IsPostgres ? value.ToUniversalTime() : value.UtcTicks;

    public DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => IsPostgres
        ? reader.GetFieldValue<DateTimeOffset>(ordinal)
        : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    /// <summary>Whether the error is about the row (its data), not about the database being unreachable.</summary>
    public static bool IsBadData(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => IsBadData(inner),
        // 22: data exception, 23: integrity constraint violation, 54: program limit exceeded (e.g. index row too big).
        PostgresException { SqlState: var state } => state.StartsWith("22", StringComparison.Ordinal)
            || state.StartsWith("23", StringComparison.Ordinal) || state.StartsWith("54", StringComparison.Ordinal),
        // 18 SQLITE_TOOBIG, 19 SQLITE_CONSTRAINT, 20 SQLITE_MISMATCH, 25 SQLITE_RANGE.
        SqliteException { SqliteErrorCode: 18 or 19 or 20 or 25 } => true,
        ArgumentException or FormatException or InvalidCastException or OverflowException => true,
        _ => false,
    };

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
            if (connection is SqliteConnection sqlite)
            {
                // Let SQLite itself wait for a competing writer, also when a statement commits (a RETURNING
                // upsert commits when its reader is disposed, where Microsoft.Data.Sqlite does not retry).
                await using var pragma = sqlite.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout = " + (sqlite.DefaultTimeout * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
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
    internal sealed class Cache
    {
        private StoreDatabase? _database;

        public StoreDatabase Get(DbContext context) => _database ??= For(context);
    }
}

using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;
using Security.Persistence.Internal.Model;
using Security.Persistence.Internal.Stores;

namespace Security.Persistence;

/// <summary>
/// Creates the security tables: the one explicit, idempotent schema step (run it at deployment or at startup,
/// never on a request). Running it again, or from several instances at once, changes nothing.
/// </summary>
/// <remarks>
/// The step records the schema version in a <c>security_schema_version</c> table next to the security tables, reads
/// it, and applies the missing upgrade steps in order in one transaction: version 1 is the first tables; version 2
/// adds the CSP report group table and groups the reports already stored, in place. A database newer than the
/// package is refused (see the package README, "Upgrading the schema").
/// </remarks>
public static class SecuritySchema
{
    /// <summary>The schema version this package creates and upgrades to: 2.</summary>
    public const int CurrentVersion = 2;

    /// <summary>Name of the table recording applied schema versions.</summary>
    public const string VersionTable = "security_schema_version";

    // Serializes concurrent schema steps on one PostgreSQL database (the key is "SECURITY" in ASCII).
    private const string PostgresLock = "SELECT pg_advisory_xact_lock(6000276112272872537)";

    // Each version and what it brought, in order; a version row is written for each one applied.
    private static readonly (int Version, string Description)[] Versions =
    [
        (1, "initial tables"),
        (2, "CSP report groups"),
    ];

    /// <summary>
    /// Creates the tables of the registered <see cref="SecurityDbContext"/> (registered by
    /// <c>.AddEntityFrameworkStore(db =&gt; ...)</c>) when missing: <c>await SecuritySchema.CreateAsync(app.Services);</c>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    public static async Task CreateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var factory = services.GetService<IDbContextFactory<SecurityDbContext>>() ?? throw new InvalidOperationException(
            "No SecurityDbContext is registered: call .AddEntityFrameworkStore(db => ...) on AddSecurityCsp, AddPasswordExpiry or AddLoginThrottling first.");
        await using var context = await factory.CreateDbContextAsync(cancellationToken);
        await CreateTablesAsync(context, cancellationToken);
    }

    /// <summary>
    /// Creates the security tables of <paramref name="context"/> (a <see cref="SecurityDbContext"/> or any context that
    /// calls <c>ApplySecurityModel</c>) when missing, leaving every other table alone. PostgreSQL and SQLite.
    /// </summary>
    /// <param name="context">The context whose model holds the security tables.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    public static async Task CreateTablesAsync(DbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = StoreDatabase.For(context);
        var versionTable = VersionTableName(context, db);
        await StoreDatabase.OpenAsync(context, cancellationToken);
        if (db.IsSqlite)
        {
            // Write-ahead logging lets readers and the one writer work at once (it persists in the file).
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL", cancellationToken);
        }

        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        if (db.IsPostgres)
        {
            await context.Database.ExecuteSqlRawAsync(PostgresLock, cancellationToken);
        }

        var transactionObject = transaction.GetDbTransaction();
        if (db.IsPostgres && context.Model.FindEntityType(typeof(CspReportRow))!.GetSchema() is { } schema)
        {
            // The version table lives in the tables' schema, read before the model's statements would create it.
            var createSchema = $"CREATE SCHEMA IF NOT EXISTS {context.GetService<ISqlGenerationHelper>().DelimitIdentifier(schema)}";
            await context.Database.ExecuteSqlRawAsync(createSchema, cancellationToken);
        }

        // No ON CONFLICT to make a concurrent step's version row harmless, and MySQL/MariaDB commit DDL at once, so
        // the transaction does not serialize steps: take the database's named lock where it has one, before any DDL.
        var locked = !db.IsPostgres && !db.IsSqlite && await TryNamedLockAsync(context, transactionObject, cancellationToken);
        try
        {
            await ApplyStepsAsync(context, db, transaction, versionTable, cancellationToken);
        }
        finally
        {
            if (locked)
            {
                // The lock belongs to the session, which a pooled connection outlives: release it, or the next step waits.
                await ScalarAsync(context, context.Database.CurrentTransaction?.GetDbTransaction(), "SELECT RELEASE_LOCK('security_schema')", CancellationToken.None);
            }
        }
    }

    private static async Task ApplyStepsAsync(
        DbContext context, StoreDatabase db, IDbContextTransaction transaction, string versionTable, CancellationToken cancellationToken)
    {
        var transactionObject = transaction.GetDbTransaction();
        await context.Database.ExecuteSqlRawAsync(VersionTableStatement(versionTable), cancellationToken);
        var stored = Convert.ToInt32(
            await ScalarAsync(context, transactionObject, $"SELECT COALESCE(MAX(version), 0) FROM {versionTable}", cancellationToken),
            CultureInfo.InvariantCulture);
        if (stored > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The database holds security schema version {stored}, newer than version {CurrentVersion} that this Security.Persistence creates: " +
                "update the package in this app rather than run an older schema step against a newer database.");
        }

        // Version 2: the report table of version 1 gains its group column before the model's statements index it.
        await AddGroupColumnAsync(context, db, transactionObject, cancellationToken);
        foreach (var statement in CreateStatements(context, db))
        {
            await context.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }

        if (stored < 2)
        {
            await GroupStoredReportsAsync(context, db, transaction, cancellationToken);
        }

        foreach (var (version, description) in Versions)
        {
            if (version > stored)
            {
                await InsertVersionAsync(context, db, transactionObject, versionTable, version, description, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Returns the SQL that <see cref="CreateTablesAsync(DbContext, CancellationToken)"/> runs, for a DBA to review or run
    /// (<c>psql -f</c>, <c>sqlite3</c>): every statement is idempotent.
    /// </summary>
    /// <param name="context">The context whose model holds the security tables.</param>
    public static string GenerateCreateScript(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var db = StoreDatabase.For(context);
        var script = new StringBuilder();
        var versionTable = VersionTableName(context, db);
        foreach (var statement in CreateStatements(context, db)
            .Append(VersionTableStatement(versionTable))
            .Concat(Versions.Select(v => VersionRowStatement(db, versionTable, v.Version, v.Description))))
        {
            script.Append(statement.TrimEnd().TrimEnd(';')).AppendLine(";").AppendLine();
        }

        return script.ToString();
    }

    private static string VersionTableName(DbContext context, StoreDatabase db)
    {
        var schema = db.IsSqlite ? null : context.Model.FindEntityType(typeof(CspReportRow))!.GetSchema();
        return context.GetService<ISqlGenerationHelper>().DelimitIdentifier(VersionTable, schema);
    }

    private static List<string> CreateStatements(DbContext context, StoreDatabase db)
    {
        // The model's own CREATE statements (as EnsureCreated would issue them), limited to the security tables
        // and made idempotent, so the app's other tables are never touched.
        var model = context.GetService<IDesignTimeModel>().Model;
        var tables = new HashSet<(string Name, string? Schema)>();
        foreach (var type in (Type[])[typeof(CspReportRow), typeof(CspReportGroupRow), typeof(PasswordExpiryRow), typeof(ThrottleCounterRow)])
        {
            var entity = model.FindEntityType(type)!;
            tables.Add((entity.GetTableName()!, entity.GetSchema()));
        }

        var schemas = tables.Select(t => t.Schema).Where(s => s is not null).ToHashSet();
        var operations = context.GetService<IMigrationsModelDiffer>()
            .GetDifferences(null, model.GetRelationalModel())
            .Where(operation => operation switch
            {
                EnsureSchemaOperation schema => !db.IsSqlite && schemas.Contains(schema.Name),
                CreateTableOperation table => tables.Contains((table.Name, table.Schema)),
                CreateIndexOperation index => tables.Contains((index.Table, index.Schema)),
                _ => false,
            })
            .ToList();

        var statements = context.GetService<IMigrationsSqlGenerator>()
            .Generate(operations, model)
            .Select(command => Idempotent(command.CommandText))
            .ToList();

        return statements;
    }

    private static string VersionTableStatement(string versionTable) =>
        $"CREATE TABLE IF NOT EXISTS {versionTable} (version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL)";

    // PostgreSQL and SQLite skip a row a concurrent step wrote; elsewhere the named lock serializes the steps and a
    // duplicate is caught (see InsertVersionAsync).
    private static string VersionRowStatement(StoreDatabase db, string versionTable, int version, string description) =>
        $"INSERT INTO {versionTable} (version, description) VALUES ({version.ToString(CultureInfo.InvariantCulture)}, '{description}')" +
        (db.IsPostgres || db.IsSqlite ? " ON CONFLICT (version) DO NOTHING" : "");

    private static async Task InsertVersionAsync(
        DbContext context, StoreDatabase db, DbTransaction transaction, string versionTable, int version, string description, CancellationToken cancellationToken)
    {
        var sql = VersionRowStatement(db, versionTable, version, description);
        if (db.IsPostgres || db.IsSqlite)
        {
            await context.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            return;
        }

        var present = $"SELECT COUNT(*) FROM {versionTable} WHERE version = {version.ToString(CultureInfo.InvariantCulture)}";
        if (Convert.ToInt64(await ScalarAsync(context, transaction, present, cancellationToken), CultureInfo.InvariantCulture) == 0)
        {
            await context.Database.ExecuteSqlRawAsync(sql, cancellationToken);
        }
    }

    // MySQL and MariaDB: GET_LOCK, held by the session until RELEASE_LOCK. Other providers have no portable
    // equivalent; their transaction is the only guard.
    private static async Task<bool> TryNamedLockAsync(DbContext context, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (context.Database.ProviderName?.Contains("MySql", StringComparison.OrdinalIgnoreCase) != true)
        {
            return false;
        }

        var granted = await ScalarAsync(context, transaction, "SELECT GET_LOCK('security_schema', 120)", cancellationToken);
        if (Convert.ToInt64(granted, CultureInfo.InvariantCulture) != 1)
        {
            throw new TimeoutException("Another security schema step held the database lock 'security_schema' for 2 minutes; run the step again.");
        }

        return true;
    }

    private static async Task<object?> ScalarAsync(DbContext context, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = await StoreDatabase.CommandAsync(context, sql, cancellationToken);
        command.Transaction = transaction;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task AddGroupColumnAsync(DbContext context, StoreDatabase db, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var entity = context.Model.FindEntityType(typeof(CspReportRow))!;
        var table = entity.GetTableName()!;
        if (db.IsPostgres)
        {
            var exists = await ScalarAsync(context, transaction, $"SELECT to_regclass('{db.CspTable.Replace("'", "''", StringComparison.Ordinal)}') IS NOT NULL", cancellationToken);
            if (exists is true)
            {
                var alter = $"ALTER TABLE {db.CspTable} ADD COLUMN IF NOT EXISTS {SecurityColumns.CspGroupId} BIGINT NULL";
                await context.Database.ExecuteSqlRawAsync(alter, cancellationToken);
            }

            return;
        }

        if (!db.IsSqlite)
        {
            // Any other provider: probe the table and the column with queries that read no row.
            if (await SucceedsAsync(context, transaction, $"SELECT 1 FROM {db.CspTable} WHERE 1 = 0", cancellationToken)
                && !await SucceedsAsync(context, transaction, $"SELECT {SecurityColumns.CspGroupId} FROM {db.CspTable} WHERE 1 = 0", cancellationToken))
            {
                var alter = $"ALTER TABLE {db.CspTable} ADD {SecurityColumns.CspGroupId} BIGINT NULL";
                await context.Database.ExecuteSqlRawAsync(alter, cancellationToken);
            }

            return;
        }

        var columns = Convert.ToInt64(
            await ScalarAsync(context, transaction, $"SELECT COUNT(*) FROM pragma_table_info('{table.Replace("'", "''", StringComparison.Ordinal)}')", cancellationToken),
            CultureInfo.InvariantCulture);
        var grouped = Convert.ToInt64(
            await ScalarAsync(context, transaction, $"SELECT COUNT(*) FROM pragma_table_info('{table.Replace("'", "''", StringComparison.Ordinal)}') WHERE name = '{SecurityColumns.CspGroupId}'", cancellationToken),
            CultureInfo.InvariantCulture);
        if (columns > 0 && grouped == 0)
        {
            var alter = $"ALTER TABLE {db.CspTable} ADD COLUMN {SecurityColumns.CspGroupId} INTEGER NULL";
            await context.Database.ExecuteSqlRawAsync(alter, cancellationToken);
        }
    }

    // Version 2: every report stored before groups existed is counted in its hourly group, and kept (none is deleted).
    private static async Task GroupStoredReportsAsync(
        DbContext context, StoreDatabase db, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var reports = new List<CspReport>();
        await using (var command = await StoreDatabase.CommandAsync(
            context,
            $"""
            SELECT {SecurityColumns.CspId}, {SecurityColumns.CspEffectiveDirective}, {SecurityColumns.CspViolatedDirective}, {SecurityColumns.CspBlockedUri},
                {SecurityColumns.CspDocumentUri}, {SecurityColumns.CspDisposition}, {SecurityColumns.CspReceivedAt}
            FROM {db.CspTable} WHERE {SecurityColumns.CspGroupId} IS NULL ORDER BY {SecurityColumns.CspId}
            """,
            cancellationToken))
        {
            command.Transaction = transaction.GetDbTransaction();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                reports.Add(new CspReport
                {
                    Id = reader.GetInt64(0),
                    EffectiveDirective = Text(reader, 1),
                    ViolatedDirective = Text(reader, 2),
                    BlockedUri = Text(reader, 3),
                    DocumentUri = Text(reader, 4),
                    Disposition = Text(reader, 5),
                    ReceivedAt = db.ReadTime(reader, 6),
                });
            }
        }

        if (reports.Count == 0)
        {
            return;
        }

        // Every row is kept: the groups get no "kept" list, only their counts, and each row is pointed at its group.
        var groups = CspReportGroups.Aggregate(reports, static r => r, keptPerGroup: 0);
        await CspReportGroups.UpsertAsync(context, db, transaction, groups, cancellationToken);
        var ids = new long[reports.Count];
        var owners = new long[reports.Count];
        for (var i = 0; i < reports.Count; i++)
        {
            ids[i] = reports[i].Id;
            owners[i] = CspReportGroups.Hash(CspReportGroupKey.For(reports[i]));
        }

        if (db.IsPostgres)
        {
            await using var update = await StoreDatabase.CommandAsync(
                context,
                $"UPDATE {db.CspTable} AS r SET {SecurityColumns.CspGroupId} = u.group_id FROM unnest(@ids, @groups) AS u(id, group_id) WHERE r.{SecurityColumns.CspId} = u.id",
                cancellationToken);
            update.Transaction = transaction.GetDbTransaction();
            StoreDatabase.Add(update, "ids", ids);
            StoreDatabase.Add(update, "groups", owners);
            await update.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var row = await StoreDatabase.CommandAsync(
            context, $"UPDATE {db.CspTable} SET {SecurityColumns.CspGroupId} = @group WHERE {SecurityColumns.CspId} = @id", cancellationToken);
        row.Transaction = transaction.GetDbTransaction();
        StoreDatabase.Add(row, "group", null);
        StoreDatabase.Add(row, "id", null);
        for (var i = 0; i < ids.Length; i++)
        {
            row.Parameters[0].Value = owners[i];
            row.Parameters[1].Value = ids[i];
            await row.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<bool> SucceedsAsync(DbContext context, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await ScalarAsync(context, transaction, sql, cancellationToken);
            return true;
        }
        catch (DbException)
        {
            return false;
        }
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string Idempotent(string sql)
    {
        foreach (var (plain, safe) in (ReadOnlySpan<(string, string)>)[
            ("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS "),
            ("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS "),
            ("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ")])
        {
            var trimmed = sql.TrimStart();
            if (trimmed.StartsWith(plain, StringComparison.Ordinal))
            {
                return safe + trimmed[plain.Length..];
            }
        }

        return sql;
    }
}

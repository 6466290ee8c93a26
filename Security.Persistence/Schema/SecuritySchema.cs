using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Security.Persistence.Model;
using Security.Persistence.Stores;

namespace Security.Persistence;

/// <summary>
/// Creates the security tables: the one explicit, idempotent schema step (run it at deployment or at startup,
/// never on a request). Running it again, or from several instances at once, changes nothing.
/// </summary>
/// <remarks>
/// The step records the schema version in a <c>security_schema_version</c> table next to the security tables.
/// A later package version that changes the tables adds a numbered upgrade step, applied by this same call to
/// databases that hold an older version (see the package README, "Upgrading the schema").
/// </remarks>
public static class SecuritySchema
{
    /// <summary>The schema version this package creates: 1.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Name of the table recording applied schema versions.</summary>
    public const string VersionTable = "security_schema_version";

    // Serializes concurrent schema steps on one PostgreSQL database (the key is "SECURITY" in ASCII).
    private const string PostgresLock = "SELECT pg_advisory_xact_lock(6000276112272872537)";

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
        if (!db.IsPostgres)
        {
            // Write-ahead logging lets readers and the one writer work at once (it persists in the file).
            await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL", cancellationToken);
        }

        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        if (db.IsPostgres)
        {
            await context.Database.ExecuteSqlRawAsync(PostgresLock, cancellationToken);
        }

        foreach (var statement in CreateStatements(context, db, versionTable))
        {
            await context.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }

        // Upgrade steps for versions after 1 go here, each applied when its version is not recorded yet.
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
        foreach (var statement in CreateStatements(context, db, VersionTableName(context, db)))
        {
            script.Append(statement.TrimEnd().TrimEnd(';')).AppendLine(";").AppendLine();
        }

        return script.ToString();
    }

    private static string VersionTableName(DbContext context, StoreDatabase db)
    {
        var schema = db.IsPostgres ? context.Model.FindEntityType(typeof(CspReportRow))!.GetSchema() : null;
        return context.GetService<ISqlGenerationHelper>().DelimitIdentifier(VersionTable, schema);
    }

    private static List<string> CreateStatements(DbContext context, StoreDatabase db, string versionTable)
    {
        // The model's own CREATE statements (as EnsureCreated would issue them), limited to the security tables
        // and made idempotent, so the app's other tables are never touched.
        var model = context.GetService<IDesignTimeModel>().Model;
        var tables = new HashSet<(string Name, string? Schema)>();
        foreach (var type in (Type[])[typeof(CspReportRow), typeof(PasswordExpiryRow), typeof(ThrottleCounterRow)])
        {
            var entity = model.FindEntityType(type)!;
            tables.Add((entity.GetTableName()!, entity.GetSchema()));
        }

        var schemas = tables.Select(t => t.Schema).Where(s => s is not null).ToHashSet();
        var operations = context.GetService<IMigrationsModelDiffer>()
            .GetDifferences(null, model.GetRelationalModel())
            .Where(operation => operation switch
            {
                EnsureSchemaOperation schema => db.IsPostgres && schemas.Contains(schema.Name),
                CreateTableOperation table => tables.Contains((table.Name, table.Schema)),
                CreateIndexOperation index => tables.Contains((index.Table, index.Schema)),
                _ => false,
            })
            .ToList();

        var statements = context.GetService<IMigrationsSqlGenerator>()
            .Generate(operations, model)
            .Select(command => Idempotent(command.CommandText))
            .ToList();

        statements.Add($"CREATE TABLE IF NOT EXISTS {versionTable} (version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL)");
        statements.Add($"INSERT INTO {versionTable} (version, description) VALUES ({CurrentVersion}, 'initial tables') ON CONFLICT (version) DO NOTHING");
        return statements;
    }

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

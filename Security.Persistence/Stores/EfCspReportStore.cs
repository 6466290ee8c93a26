using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Security.Abstractions;
using static Security.Persistence.Model.SecurityColumns;

namespace Security.Persistence.Stores;

/// <summary>
/// <see cref="ICspReportStore"/> on EF Core. A batch is one round trip (binary <c>COPY</c> on PostgreSQL, one
/// transaction on SQLite); when the database rejects the batch for its data, its rows are retried one by one in one
/// transaction, each behind a savepoint, so only the bad ones are rolled back and skipped. Either way a batch is
/// all-or-nothing: any other failure (an outage) rolls the whole batch back and is thrown, so the background
/// writer's retry saves each row exactly once.
/// </summary>
/// <typeparam name="TContext">The context holding the security tables.</typeparam>
internal sealed partial class EfCspReportStore<TContext>(IDbContextFactory<TContext> contexts, ILoggerFactory loggerFactory)
    : ICspReportStore
    where TContext : DbContext
{
    private const string RowSavepoint = "csp_report";

    private static readonly string ColumnList = string.Join(", ", CspInsert);
    private static readonly string ParameterList = string.Join(", ", CspInsert.Select((_, i) => "@p" + i));

    private readonly StoreDatabase.Cache _database = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger("Security.Persistence.CspReportStore");

    public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            return;
        }

        var rows = new CspReport[reports.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = Clean(reports[i]);
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        try
        {
            await InsertAsync(context, db, rows, cancellationToken);
            return;
        }
        catch (Exception e) when (StoreDatabase.IsBadData(e))
        {
            Log.BatchRejected(_logger, rows.Length, e);
        }

        await InsertSkippingBadRowsAsync(context, db, rows, cancellationToken);
    }

    public async Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);

        var directive = $"COALESCE({CspEffectiveDirective}, {CspViolatedDirective})";
        var where = new StringBuilder("1 = 1");
        if (query.From is not null)
        {
            where.Append($" AND {CspReceivedAt} >= @from");
        }

        if (query.To is not null)
        {
            where.Append($" AND {CspReceivedAt} < @to");
        }

        if (query.EffectiveDirective is not null)
        {
            where.Append($" AND {directive} = @directive");
        }

        var grouped = $"FROM {db.CspTable} WHERE {where} GROUP BY {directive}, {CspBlockedUri}, {CspDocumentUri}";
        var groups = new List<CspReportGroup>();
        long total = 0;
        await using (var command = await StoreDatabase.CommandAsync(
            context,
            $"""
            SELECT {directive}, {CspBlockedUri}, {CspDocumentUri}, COUNT(*), MIN({CspReceivedAt}), MAX({CspReceivedAt}), COUNT(*) OVER ()
            {grouped}
            ORDER BY COUNT(*) DESC, MAX({CspReceivedAt}) DESC, 1, 2, 3
            LIMIT @take OFFSET @skip
            """,
            cancellationToken))
        {
            AddFilters(command, db, query);
            StoreDatabase.Add(command, "take", Math.Max(0, query.Take));
            StoreDatabase.Add(command, "skip", Math.Max(0, query.Skip));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                groups.Add(new CspReportGroup(
                    Text(reader, 0),
                    Text(reader, 1),
                    Text(reader, 2),
                    reader.GetInt64(3),
                    db.ReadTime(reader, 4),
                    db.ReadTime(reader, 5)));
                total = reader.GetInt64(6);
            }
        }

        if (groups.Count == 0)
        {
            // Past the last page (or an empty page size): the window count is not there to read.
            await using var count = await StoreDatabase.CommandAsync(
                context, $"SELECT COUNT(*) FROM (SELECT 1 AS one {grouped}) AS g", cancellationToken);
            AddFilters(count, db, query);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new CspReportGroupPage(groups, total);
    }

    public async Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
        DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);

        // Hours since an origin, in UTC whatever the session time zone: epoch seconds on PostgreSQL, .NET ticks on SQLite.
        var hour = db.IsPostgres
            ? $"CAST(FLOOR(EXTRACT(EPOCH FROM {CspReceivedAt}) / 3600) AS BIGINT)"
            : $"({CspReceivedAt} / {TimeSpan.TicksPerHour})";
        var directive = effectiveDirective is null ? "" : $" AND COALESCE({CspEffectiveDirective}, {CspViolatedDirective}) = @directive";
        await using var command = await StoreDatabase.CommandAsync(
            context,
            $"""
            SELECT {hour} AS hour, COUNT(*) FROM {db.CspTable}
            WHERE {CspReceivedAt} >= @from AND {CspReceivedAt} < @to{directive}
            GROUP BY 1 ORDER BY 1
            """,
            cancellationToken);
        AddFilters(command, db, new CspReportQuery { From = from, To = to, EffectiveDirective = effectiveDirective });
        var counts = new List<CspReportHourlyCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var start = db.IsPostgres
                ? DateTimeOffset.UnixEpoch.AddHours(reader.GetInt64(0))
                : new DateTimeOffset(reader.GetInt64(0) * TimeSpan.TicksPerHour, TimeSpan.Zero);
            counts.Add(new CspReportHourlyCount(start, reader.GetInt64(1)));
        }

        return counts;
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0)
        {
            return 0;
        }

        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        // Bounded, and safe for N instances at once: on PostgreSQL each takes rows no other purge holds.
        await using var command = await StoreDatabase.CommandAsync(
            context,
            $"""
            DELETE FROM {db.CspTable}
            WHERE {CspId} IN (
                SELECT {CspId} FROM {db.CspTable} WHERE {CspReceivedAt} < @cutoff
                ORDER BY {CspReceivedAt} LIMIT @max{(db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "")})
            """,
            cancellationToken);
        StoreDatabase.Add(command, "cutoff", db.Time(cutoff));
        StoreDatabase.Add(command, "max", maxCount);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddFilters(DbCommand command, StoreDatabase db, CspReportQuery query)
    {
        if (query.From is { } from)
        {
            StoreDatabase.Add(command, "from", db.Time(from));
        }

        if (query.To is { } to)
        {
            StoreDatabase.Add(command, "to", db.Time(to));
        }

        if (query.EffectiveDirective is { } directive)
        {
            StoreDatabase.Add(command, "directive", directive);
        }
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static CspReport Clean(CspReport report)
    {
        // Cleaning first may only shorten a value; truncating after keeps every limit.
        var cleaned = report with
        {
            DocumentUri = StoreText.Clean(report.DocumentUri),
            Referrer = StoreText.Clean(report.Referrer),
            BlockedUri = StoreText.Clean(report.BlockedUri),
            ViolatedDirective = StoreText.Clean(report.ViolatedDirective),
            EffectiveDirective = StoreText.Clean(report.EffectiveDirective),
            OriginalPolicy = StoreText.Clean(report.OriginalPolicy),
            Disposition = StoreText.Clean(report.Disposition),
            SourceFile = StoreText.Clean(report.SourceFile),
            Sample = StoreText.Clean(report.Sample),
            SenderIp = StoreText.Clean(report.SenderIp),
            UserAgent = StoreText.Clean(report.UserAgent),
        };
        return cleaned.Truncated();
    }

    private static object?[] Values(CspReport r) =>
    [
        r.DocumentUri, r.Referrer, r.BlockedUri, r.ViolatedDirective, r.EffectiveDirective, r.OriginalPolicy,
        r.Disposition, r.SourceFile, r.LineNumber, r.ColumnNumber, r.Sample, r.StatusCode, r.ReceivedAt,
        r.SenderIp, r.UserAgent,
    ];

    private static Task InsertAsync(TContext context, StoreDatabase db, CspReport[] rows, CancellationToken cancellationToken) =>
        db.IsPostgres ? CopyAsync(context, db, rows, cancellationToken) : InsertInTransactionAsync(context, db, rows, cancellationToken);

    private static async Task CopyAsync(TContext context, StoreDatabase db, CspReport[] rows, CancellationToken cancellationToken)
    {
        await StoreDatabase.OpenAsync(context, cancellationToken);
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {db.CspTable} ({ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var value in Values(row))
            {
                switch (value)
                {
                    case null:
                        await importer.WriteNullAsync(cancellationToken);
                        break;
                    case string text:
                        await importer.WriteAsync(text, NpgsqlDbType.Varchar, cancellationToken);
                        break;
                    case int number:
                        await importer.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken);
                        break;
                    case DateTimeOffset time:
                        await importer.WriteAsync(time.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                        break;
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task InsertInTransactionAsync(TContext context, StoreDatabase db, CspReport[] rows, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(context, cancellationToken);
        await using var command = await InsertCommandAsync(context, db, transaction, cancellationToken);
        foreach (var row in rows)
        {
            await InsertRowAsync(command, db, row, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task InsertSkippingBadRowsAsync(TContext context, StoreDatabase db, CspReport[] rows, CancellationToken cancellationToken)
    {
        // One transaction, a savepoint per row: a bad row is rolled back alone, an outage rolls back every row
        // (nothing committed that the writer's retry would save again). PostgreSQL too gets plain INSERTs: a failed
        // one aborts the transaction only until ROLLBACK TO SAVEPOINT, with no COPY protocol state to unwind.
        await using var transaction = await BeginAsync(context, cancellationToken);
        await using var command = await InsertCommandAsync(context, db, transaction, cancellationToken);
        for (var i = 0; i < rows.Length; i++)
        {
            await transaction.CreateSavepointAsync(RowSavepoint, cancellationToken);
            try
            {
                await InsertRowAsync(command, db, rows[i], cancellationToken);
            }
            catch (Exception e) when (StoreDatabase.IsBadData(e))
            {
                await transaction.RollbackToSavepointAsync(RowSavepoint, cancellationToken);
                Log.ReportSkipped(_logger, i, e);
            }

            await transaction.ReleaseSavepointAsync(RowSavepoint, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<IDbContextTransaction> BeginAsync(TContext context, CancellationToken cancellationToken)
    {
        // Opened by the store first, so SQLite's busy timeout is set before the transaction takes the connection.
        await StoreDatabase.OpenAsync(context, cancellationToken);
        return await context.Database.BeginTransactionAsync(cancellationToken);
    }

    private static async Task<DbCommand> InsertCommandAsync(
        TContext context, StoreDatabase db, IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        var command = await StoreDatabase.CommandAsync(
            context, $"INSERT INTO {db.CspTable} ({ColumnList}) VALUES ({ParameterList})", cancellationToken);
        command.Transaction = transaction.GetDbTransaction();
        for (var i = 0; i < CspInsert.Length; i++)
        {
            StoreDatabase.Add(command, "p" + i, null);
        }

        return command;
    }

    private static Task<int> InsertRowAsync(DbCommand command, StoreDatabase db, CspReport row, CancellationToken cancellationToken)
    {
        var values = Values(row);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] switch
            {
                null => DBNull.Value,
                DateTimeOffset time => db.Time(time),
                var value => value,
            };
        }

        return command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "CspBatchRejected", Level = LogLevel.Warning,
            Message = "The database rejected a batch of {Count} CSP reports for its data; saving them one by one.")]
        public static partial void BatchRejected(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = 2, EventName = "CspReportSkipped", Level = LogLevel.Warning,
            Message = "The CSP report at index {Index} of a batch was rejected by the database and skipped.")]
        public static partial void ReportSkipped(ILogger logger, int index, Exception exception);
    }
}

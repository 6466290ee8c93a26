using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Security.Abstractions;
using Security.Persistence.Internal.Model;
using static Security.Persistence.Internal.Model.SecurityColumns;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// <see cref="ICspReportStore"/> on EF Core. A batch is first aggregated into hourly groups (<see cref="CspReportGroupKey"/>);
/// then, in one transaction, every group's counter is incremented atomically (on PostgreSQL one <c>INSERT ... ON CONFLICT
/// ... RETURNING</c> for the batch; on any other provider EF Core's update-then-insert per group) and the full reports that
/// still fit their group's first <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/> are inserted (binary <c>COPY</c> on
/// PostgreSQL, batched <c>SaveChanges</c> elsewhere). The counter after the increment says how many reports the group held
/// before this batch, so N app instances together keep exactly the first few reports of a group and count every one.
/// When the database rejects the batch for its data, it is retried group by group in one transaction, each group behind
/// a savepoint, so only the bad groups are rolled back and skipped. Either way a batch is all-or-nothing: any other
/// failure (an outage) rolls the whole batch back and is thrown, so the background writer's retry counts each report once.
/// The dashboard's queries are LINQ, translated by the provider.
/// </summary>
/// <typeparam name="TContext">The context holding the security tables.</typeparam>
internal sealed partial class EfCspReportStore<TContext>(
    IDbContextFactory<TContext> contexts,
    IOptions<CspReportStoreOptions> storeOptions,
    IOptions<SecurityStoreOptions> options,
    ILoggerFactory loggerFactory)
    : ICspReportStore
    where TContext : DbContext
{
    private const string GroupSavepoint = "csp_report_group";

    private static readonly string ColumnList = string.Join(", ", CspInsert);

    private readonly StoreDatabase.Cache _database = new(options.Value.GenericPathOnly);
    private readonly int _keptPerGroup = storeOptions.Value.ReportsKeptPerGroup;
    private readonly ILogger _logger = loggerFactory.CreateLogger("Security.Persistence.CspReportStore");

    public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            return;
        }

        var groups = CspReportGroups.Aggregate(reports, Clean, _keptPerGroup);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var db = _database.Get(context);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await SaveGroupsAsync(context, db, groups, cancellationToken);
                return;
            }
            catch (Exception e) when (StoreDatabase.IsBadData(e))
            {
                Log.BatchRejected(_logger, reports.Count, e);
                break;
            }
            catch (Exception e) when (attempt < GenericPath.MaxAttempts && StoreDatabase.IsTransactionConflict(e))
            {
                // A deadlock or serialization failure rolled the whole batch back: nothing is counted yet, run it again.
                context.ChangeTracker.Clear();
            }
        }

        await SaveSkippingBadGroupsAsync(context, db, groups, cancellationToken);
    }

    public async Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var grouped = Filter(context, query.From, query.To, query.EffectiveDirective)
            .GroupBy(g => new { g.EffectiveDirective, g.BlockedUri, g.DocumentUri, g.Disposition })
            .Select(x => new
            {
                x.Key.EffectiveDirective,
                x.Key.BlockedUri,
                x.Key.DocumentUri,
                x.Key.Disposition,
                Count = x.Sum(g => g.ReportCount),
                FirstSeen = x.Min(g => g.FirstSeen),
                LastSeen = x.Max(g => g.LastSeen),
            });
        var skip = Math.Max(0, query.Skip);
        var take = Math.Max(0, query.Take);
        var page = take == 0 ? [] : await grouped
            .OrderByDescending(x => x.Count).ThenByDescending(x => x.LastSeen)
            .ThenBy(x => x.EffectiveDirective).ThenBy(x => x.BlockedUri).ThenBy(x => x.DocumentUri).ThenBy(x => x.Disposition)
            .Skip(skip).Take(take)
            .ToListAsync(cancellationToken);

        // A first page that is not full holds every group: no second query to count them.
        var total = skip == 0 && page.Count < take ? page.Count : await grouped.CountAsync(cancellationToken);
        var hashes = page.ToDictionary(x => x, x => CspReportGroups.Hash(new CspReportGroupKey(x.EffectiveDirective, x.BlockedUri, x.DocumentUri, x.Disposition)));
        var senders = page.Count == 0 ? [] : await DistinctSendersAsync(context, [.. hashes.Values.Distinct()], query.From, query.To, cancellationToken);
        var groups = page
            .Select(x => new CspReportGroup(x.EffectiveDirective, x.BlockedUri, x.DocumentUri, x.Count, x.FirstSeen.ToUniversalTime(), x.LastSeen.ToUniversalTime())
            {
                Disposition = x.Disposition,
                DistinctSenders = senders.GetValueOrDefault(hashes[x]),
            })
            .ToList();
        return new CspReportGroupPage(groups, total);
    }

    // The distinct sender addresses among the reports kept in full for each group, in the hours of the window: the evidence
    // the dashboard asks for before it suggests a source. Bounded by the kept reports, so one client cannot raise it.
    private static async Task<Dictionary<long, int>> DistinctSendersAsync(
        TContext context, List<long> hashes, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var rows = context.Set<CspReportRow>().AsNoTracking().Where(r => r.GroupId != null && hashes.Contains(r.GroupId.Value) && r.SenderIp != null);
        if (from is { } start)
        {
            var first = CspReportGroupKey.WindowStart(start).ToUniversalTime();
            rows = rows.Where(r => r.ReceivedAt >= first);
        }

        if (to is { } end)
        {
            // Whole hours, as the groups: a report counts when its hour starts before the end.
            var hour = CspReportGroupKey.WindowStart(end);
            var last = (hour == end ? end : hour + CspReportGroupKey.Window).ToUniversalTime();
            rows = rows.Where(r => r.ReceivedAt < last);
        }

        var counts = await rows.GroupBy(r => r.GroupId!.Value)
            .Select(g => new { g.Key, Senders = g.Select(r => r.SenderIp).Distinct().Count() })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Key, c => c.Senders);
    }

    public async Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
        DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default)
    {
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var hours = await Filter(context, from, to, effectiveDirective)
            .GroupBy(g => g.WindowStart)
            .Select(x => new { WindowStart = x.Key, Count = x.Sum(g => g.ReportCount) })
            .OrderBy(x => x.WindowStart)
            .ToListAsync(cancellationToken);
        return hours.Select(x => new CspReportHourlyCount(x.WindowStart.ToUniversalTime(), x.Count)).ToList();
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
        if (!db.FastPath)
        {
            return await DeleteOlderThanGenericAsync(context, db, cutoff, maxCount, cancellationToken);
        }

        await using var transaction = await BeginAsync(context, cancellationToken);

        // Groups whose hour ended by the cutoff, with their kept reports (all received before it). Bounded, and safe
        // for N instances at once: each takes groups no other purge holds.
        var doomed = $"""
            SELECT {GroupWindowStart}, {GroupKey} FROM {db.CspGroupTable} WHERE {GroupWindowStart} <= @lastWindow
            ORDER BY {GroupWindowStart}, {GroupKey} LIMIT @max FOR UPDATE SKIP LOCKED
            """;
        var sql = $"""
            WITH doomed AS ({doomed}),
            kept AS (DELETE FROM {db.CspTable} AS r USING doomed AS d WHERE r.{CspGroupId} = d.{GroupKey}
                AND r.{CspReceivedAt} >= d.{GroupWindowStart} AND r.{CspReceivedAt} < d.{GroupWindowStart} + INTERVAL '1 hour'),
            gone AS (DELETE FROM {db.CspGroupTable} AS g USING doomed AS d WHERE g.{GroupWindowStart} = d.{GroupWindowStart}
                AND g.{GroupKey} = d.{GroupKey} RETURNING g.{GroupReportCount})
            SELECT COALESCE(SUM({GroupReportCount}), 0) FROM gone
            """;
        await using var command = await StoreDatabase.CommandAsync(context, sql, cancellationToken);
        command.Transaction = transaction.GetDbTransaction();
        StoreDatabase.Add(command, "lastWindow", db.Time(cutoff - CspReportGroupKey.Window));
        StoreDatabase.Add(command, "max", maxCount);
        long reports = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    reports += Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return (int)Math.Min(int.MaxValue, reports);
    }

    // Whole hours: every window from the one holding "from" up to "to" (excluded).
    private static IQueryable<CspReportGroupRow> Filter(TContext context, DateTimeOffset? from, DateTimeOffset? to, string? directive)
    {
        var rows = context.Set<CspReportGroupRow>().AsNoTracking();
        if (from is { } start)
        {
            var first = CspReportGroupKey.WindowStart(start).ToUniversalTime();
            rows = rows.Where(g => g.WindowStart >= first);
        }

        if (to is { } end)
        {
            var last = end.ToUniversalTime();
            rows = rows.Where(g => g.WindowStart < last);
        }

        if (directive is not null)
        {
            rows = rows.Where(g => g.EffectiveDirective == directive);
        }

        return rows;
    }

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

    private async Task SaveGroupsAsync(TContext context, StoreDatabase db, List<CspReportGroups.PendingGroup> groups, CancellationToken cancellationToken)
    {
        await using var transaction = db.FastPath
            ? await BeginAsync(context, cancellationToken)
            : await GenericPath.BeginAsync(context, db, cancellationToken);
        await CspReportGroups.UpsertAsync(context, db, transaction, groups, cancellationToken);
        var rows = RowsToKeep(groups);
        if (rows.Count > 0)
        {
            if (db.FastPath)
            {
                await CopyAsync(context, db, rows, cancellationToken);
            }
            else
            {
                // EF Core batches the inserts as the provider allows (several rows per round trip).
                await InsertRowsAsync(context, rows, cancellationToken);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task SaveSkippingBadGroupsAsync(TContext context, StoreDatabase db, List<CspReportGroups.PendingGroup> groups, CancellationToken cancellationToken)
    {
        // One transaction, a savepoint per group: a bad group (its counter and its reports) is rolled back alone, an
        // outage rolls back every group (nothing committed that the writer's retry would count again). PostgreSQL too
        // gets plain INSERTs: a failed one aborts the transaction only until ROLLBACK TO SAVEPOINT.
        await using var transaction = db.FastPath
            ? await BeginAsync(context, cancellationToken)
            : await GenericPath.BeginAsync(context, db, cancellationToken);
        var one = new List<CspReportGroups.PendingGroup>(1);
        foreach (var group in groups)
        {
            await transaction.CreateSavepointAsync(GroupSavepoint, cancellationToken);
            try
            {
                one.Clear();
                one.Add(group);
                await CspReportGroups.UpsertAsync(context, db, transaction, one, cancellationToken);
                await InsertRowsAsync(context, RowsToKeep(one), cancellationToken);
            }
            catch (Exception e) when (StoreDatabase.IsBadData(e))
            {
                context.ChangeTracker.Clear();
                await transaction.RollbackToSavepointAsync(GroupSavepoint, cancellationToken);
                Log.GroupSkipped(_logger, group.Count, e);
            }

            await transaction.ReleaseSavepointAsync(GroupSavepoint, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // The counter after the upsert tells how many reports the group held before this batch: only the reports that
    // still fit the first ReportsKeptPerGroup are stored in full.
    private List<(CspReport Report, long GroupId)> RowsToKeep(List<CspReportGroups.PendingGroup> groups)
    {
        var rows = new List<(CspReport, long)>();
        foreach (var group in groups)
        {
            var before = group.CountAfterUpsert - group.Count;
            var fit = (int)Math.Clamp(_keptPerGroup - before, 0, group.Kept.Count);
            for (var i = 0; i < fit; i++)
            {
                rows.Add((group.Kept[i], group.Hash));
            }
        }

        return rows;
    }

    private static object?[] Values(CspReport r, long groupId) =>
    [
        r.DocumentUri, r.Referrer, r.BlockedUri, r.ViolatedDirective, r.EffectiveDirective, r.OriginalPolicy,
        r.Disposition, r.SourceFile, r.LineNumber, r.ColumnNumber, r.Sample, r.StatusCode, r.ReceivedAt,
        r.SenderIp, r.UserAgent, groupId,
    ];

    private static async Task CopyAsync(TContext context, StoreDatabase db, List<(CspReport Report, long GroupId)> rows, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {db.CspTable} ({ColumnList}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (report, groupId) in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var value in Values(report, groupId))
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
                    case long number:
                        await importer.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken);
                        break;
                    case DateTimeOffset time:
                        await importer.WriteAsync(time.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                        break;
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task<IDbContextTransaction> BeginAsync(TContext context, CancellationToken cancellationToken)
    {
        // Opened by the store first, so SQLite's busy timeout is set before the transaction takes the connection.
        await StoreDatabase.OpenAsync(context, cancellationToken);
        return await context.Database.BeginTransactionAsync(cancellationToken);
    }

    private static async Task InsertRowsAsync(TContext context, List<(CspReport Report, long GroupId)> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        foreach (var (r, groupId) in rows)
        {
            context.Add(new CspReportRow
            {
                DocumentUri = r.DocumentUri,
                Referrer = r.Referrer,
                BlockedUri = r.BlockedUri,
                ViolatedDirective = r.ViolatedDirective,
                EffectiveDirective = r.EffectiveDirective,
                OriginalPolicy = r.OriginalPolicy,
                Disposition = r.Disposition,
                SourceFile = r.SourceFile,
                LineNumber = r.LineNumber,
                ColumnNumber = r.ColumnNumber,
                Sample = r.Sample,
                StatusCode = r.StatusCode,
                ReceivedAt = r.ReceivedAt.ToUniversalTime(),
                SenderIp = r.SenderIp,
                UserAgent = r.UserAgent,
                GroupId = groupId,
            });
        }

        try
        {
            await context.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            context.ChangeTracker.Clear();
        }
    }

    // The generic retention: the doomed groups' keys first (bounded), then each group with its kept reports deleted in
    // one transaction. Another instance may delete some of them first (each is deleted and counted once): pick again
    // until maxCount groups are gone or none is left, so a short result still means "no more".
    private static async Task<int> DeleteOlderThanGenericAsync(
        TContext context, StoreDatabase db, DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken)
    {
        var lastWindow = (cutoff - CspReportGroupKey.Window).ToUniversalTime();
        var groups = context.Set<CspReportGroupRow>();
        long counted = 0;
        var deleted = 0;
        while (deleted < maxCount)
        {
            var doomed = await groups.AsNoTracking().Where(g => g.WindowStart <= lastWindow)
                .OrderBy(g => g.WindowStart).ThenBy(g => g.GroupKey)
                .Select(g => new { g.WindowStart, g.GroupKey, g.ReportCount })
                .Take(maxCount - deleted).ToListAsync(cancellationToken);
            if (doomed.Count == 0)
            {
                break;
            }

            foreach (var group in doomed)
            {
                var window = group.WindowStart;
                var end = window + CspReportGroupKey.Window;
                var key = group.GroupKey;
                var gone = await GenericPath.InTransactionAsync(
                    context,
                    db,
                    async () =>
                    {
                        await GenericPath.DeleteAsync(
                            context,
                            db.CspTable,
                            $"{CspGroupId} = {{0}} AND {CspReceivedAt} >= {{1}} AND {CspReceivedAt} < {{2}}",
                            [key, db.Time(window), db.Time(end)],
                            cancellationToken);
                        return await GenericPath.DeleteAsync(
                            context, db.CspGroupTable, $"{GroupWindowStart} = {{0}} AND {GroupKey} = {{1}}", [db.Time(window), key], cancellationToken);
                    },
                    null,
                    cancellationToken);
                if (gone > 0)
                {
                    counted += group.ReportCount;
                    deleted++;
                }
            }
        }

        return (int)Math.Min(int.MaxValue, counted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, EventName = "CspBatchRejected", Level = LogLevel.Warning,
            Message = "The database rejected a batch of {Count} CSP reports for its data; saving them one by one.")]
        public static partial void BatchRejected(ILogger logger, int count, Exception exception);

        [LoggerMessage(EventId = 5002, EventName = "CspReportSkipped", Level = LogLevel.Warning,
            Message = "A group of {Count} identical CSP reports in a batch was rejected by the database and skipped.")]
        public static partial void GroupSkipped(ILogger logger, long count, Exception exception);
    }
}

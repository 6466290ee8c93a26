using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Security.Abstractions;
using Security.Persistence.Internal.Model;
using static Security.Persistence.Internal.Model.SecurityColumns;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// Hourly CSP report groups in SQL: a batch aggregated by <see cref="CspReportGroupKey"/> and its counters upserted
/// atomically. Used by the report store and by the schema step that groups reports saved before groups existed.
/// </summary>
internal static class CspReportGroups
{
    private static readonly string GroupColumnList = string.Join(", ", GroupInsert);

    // A batch's reports by hourly group, in (hour, key) order: concurrent upserts lock rows in one order and cannot deadlock.
    public static List<PendingGroup> Aggregate(IReadOnlyList<CspReport> reports, Func<CspReport, CspReport> clean, int keptPerGroup)
    {
        var groups = new Dictionary<(long Hash, DateTimeOffset Window), PendingGroup>();
        foreach (var received in reports)
        {
            var report = clean(received);
            var key = CspReportGroupKey.For(report);
            var window = CspReportGroupKey.WindowStart(report.ReceivedAt);
            var hash = Hash(key);
            if (!groups.TryGetValue((hash, window), out var group))
            {
                group = new PendingGroup(hash, window, key, report.ReceivedAt);
                groups.Add((hash, window), group);
            }

            group.Add(report, keptPerGroup);
        }

        var list = groups.Values.ToList();
        list.Sort(static (a, b) => a.Window.CompareTo(b.Window) is var c && c != 0 ? c : a.Hash.CompareTo(b.Hash));
        return list;
    }

    // Length-prefixed, with null apart from empty, so no two different keys share their bytes.
    // 64 bits of SHA-256: a small, cheap unique index; two different groups share a key with a chance of about
    // n^2 / 2^65 for n groups in one hour (3e-6 at ten million), and would then only share a count.
    public static long Hash(CspReportGroupKey key)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[5];
        foreach (var part in (ReadOnlySpan<string?>)[key.EffectiveDirective, key.BlockedUri, key.DocumentUri, key.Disposition])
        {
            if (part is null)
            {
                length[0] = 0;
                hash.AppendData(length[..1]);
                continue;
            }

            var bytes = Encoding.UTF8.GetBytes(part);
            length[0] = 1;
            BinaryPrimitives.WriteInt32BigEndian(length[1..], bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }

    public static async Task UpsertAsync(
        DbContext context, StoreDatabase db, IDbContextTransaction transaction, List<PendingGroup> groups, CancellationToken cancellationToken)
    {
        if (db.FastPath)
        {
            await UpsertPostgresAsync(context, db, transaction, groups, cancellationToken);
            return;
        }

        await UpsertGenericAsync(context, transaction, groups, cancellationToken);
    }

    // EF Core's update-then-insert, group by group in (hour, key) order, inside the caller's transaction. The update
    // locks an existing row until the commit, so the count read back is this batch's; an insert that finds the key
    // taken by a concurrent batch fails alone (EF rolls back to its savepoint, or the database the one statement) and
    // the group is updated instead. Groups are inserted one by one so that such a failure never leaves half a batch.
    private static async Task UpsertGenericAsync(
        DbContext context, IDbContextTransaction transaction, List<PendingGroup> groups, CancellationToken cancellationToken)
    {
        var rows = context.Set<CspReportGroupRow>();
        var remaining = groups;
        if (groups.Count > 1 && transaction.SupportsSavepoints)
        {
            // New groups (most of a batch of distinct reports) are inserted together, in EF Core's batches: one query
            // finds which of the batch's groups exist, the others are added at once. Should a concurrent batch insert one
            // of them first, EF Core rolls its SaveChanges back to its savepoint and every group goes the one-by-one way.
            var hashes = groups.Select(g => g.Hash).Distinct().ToList();
            var firstWindow = groups.Min(g => g.Window).ToUniversalTime();
            var lastWindow = groups.Max(g => g.Window).ToUniversalTime();
            var existing = (await rows.AsNoTracking()
                .Where(g => g.WindowStart >= firstWindow && g.WindowStart <= lastWindow && hashes.Contains(g.GroupKey))
                .Select(g => new { g.WindowStart, g.GroupKey }).ToListAsync(cancellationToken))
                .Select(g => (g.WindowStart.UtcTicks, g.GroupKey)).ToHashSet();
            var fresh = groups.Where(g => !existing.Contains((g.Window.UtcTicks, g.Hash))).ToList();
            if (fresh.Count > 0)
            {
                context.AddRange(fresh.Select(NewRow));
                try
                {
                    await context.SaveChangesAsync(cancellationToken);
                    foreach (var group in fresh)
                    {
                        group.CountAfterUpsert = group.Count;
                    }

                    remaining = groups.Where(g => existing.Contains((g.Window.UtcTicks, g.Hash))).ToList();
                }
                catch (DbUpdateException)
                {
                    // A key taken meanwhile (or bad data, which the one-by-one way throws again).
                }
                finally
                {
                    context.ChangeTracker.Clear();
                }
            }
        }

        foreach (var group in remaining)
        {
            var window = group.Window.ToUniversalTime();
            var hash = group.Hash;
            var count = group.Count;
            var first = group.FirstSeen.ToUniversalTime();
            var last = group.LastSeen.ToUniversalTime();
            for (var attempt = 1; ; attempt++)
            {
                // The count first: MySQL and MariaDB assign left to right, and no assignment reads another's column.
                var updated = await rows.Where(g => g.WindowStart == window && g.GroupKey == hash).ExecuteUpdateAsync(
                    set => set
                        .SetProperty(g => g.ReportCount, g => g.ReportCount + count)
                        .SetProperty(g => g.FirstSeen, g => g.FirstSeen < first ? g.FirstSeen : first)
                        .SetProperty(g => g.LastSeen, g => g.LastSeen > last ? g.LastSeen : last),
                    cancellationToken);
                if (updated > 0)
                {
                    group.CountAfterUpsert = await rows.AsNoTracking().Where(g => g.WindowStart == window && g.GroupKey == hash)
                        .Select(g => g.ReportCount).SingleAsync(cancellationToken);
                    break;
                }

                context.Add(NewRow(group));
                try
                {
                    await context.SaveChangesAsync(cancellationToken);
                    group.CountAfterUpsert = count;
                    break;
                }
                catch (DbUpdateException) when (attempt < 3)
                {
                    // Most likely the key, inserted meanwhile: update it. Bad data fails the same way three times and is thrown.
                }
                finally
                {
                    context.ChangeTracker.Clear();
                }
            }
        }
    }

    private static async Task UpsertPostgresAsync(
        DbContext context, StoreDatabase db, IDbContextTransaction transaction, List<PendingGroup> groups, CancellationToken cancellationToken)
    {
        // One statement for the whole batch: the rows come from arrays, so the SQL text never changes with the batch size.
        await using var command = await StoreDatabase.CommandAsync(
            context,
            $"""
            INSERT INTO {db.CspGroupTable} AS g ({GroupColumnList})
            SELECT * FROM unnest(@k, @w, @d, @b, @doc, @disp, @n, @f, @l)
            ON CONFLICT ({GroupWindowStart}, {GroupKey}) DO UPDATE SET
                {GroupReportCount} = g.{GroupReportCount} + EXCLUDED.{GroupReportCount},
                {GroupFirstSeen} = LEAST(g.{GroupFirstSeen}, EXCLUDED.{GroupFirstSeen}),
                {GroupLastSeen} = GREATEST(g.{GroupLastSeen}, EXCLUDED.{GroupLastSeen})
            RETURNING {GroupKey}, {GroupWindowStart}, {GroupReportCount}
            """,
            cancellationToken);
        command.Transaction = transaction.GetDbTransaction();
        var parameters = ((NpgsqlCommand)command).Parameters;
        parameters.Add(new("k", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = groups.Select(g => g.Hash).ToArray() });
        parameters.Add(new("w", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = groups.Select(g => g.Window.UtcDateTime).ToArray() });
        parameters.Add(new("d", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = groups.Select(g => g.Key.EffectiveDirective).ToArray() });
        parameters.Add(new("b", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = groups.Select(g => g.Key.BlockedUri).ToArray() });
        parameters.Add(new("doc", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = groups.Select(g => g.Key.DocumentUri).ToArray() });
        parameters.Add(new("disp", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { Value = groups.Select(g => g.Key.Disposition).ToArray() });
        parameters.Add(new("n", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = groups.Select(g => g.Count).ToArray() });
        parameters.Add(new("f", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = groups.Select(g => g.FirstSeen.UtcDateTime).ToArray() });
        parameters.Add(new("l", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = groups.Select(g => g.LastSeen.UtcDateTime).ToArray() });

        var byKey = new Dictionary<(long, long), PendingGroup>(groups.Count);
        foreach (var group in groups)
        {
            byKey[(group.Hash, group.Window.UtcTicks)] = group;
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var group = byKey[(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1).UtcTicks)];
            group.CountAfterUpsert = reader.GetInt64(2);
        }
    }

    private static CspReportGroupRow NewRow(PendingGroup group) => new()
    {
        GroupKey = group.Hash,
        WindowStart = group.Window.ToUniversalTime(),
        EffectiveDirective = group.Key.EffectiveDirective,
        BlockedUri = group.Key.BlockedUri,
        DocumentUri = group.Key.DocumentUri,
        Disposition = group.Key.Disposition,
        ReportCount = group.Count,
        FirstSeen = group.FirstSeen.ToUniversalTime(),
        LastSeen = group.LastSeen.ToUniversalTime(),
    };

    /// <summary>The reports of one group and hour in a batch: their count and the first few kept in full.</summary>
    internal sealed class PendingGroup(long hash, DateTimeOffset window, CspReportGroupKey key, DateTimeOffset seen)
    {
        public long Hash { get; } = hash;

        public DateTimeOffset Window { get; } = window;

        public CspReportGroupKey Key { get; } = key;

        public long Count { get; private set; }

        public DateTimeOffset FirstSeen { get; private set; } = seen;

        public DateTimeOffset LastSeen { get; private set; } = seen;

        public List<CspReport> Kept { get; } = [];

        public long CountAfterUpsert { get; set; }

        public void Add(CspReport report, int keptPerGroup)
        {
            Count++;
            FirstSeen = report.ReceivedAt < FirstSeen ? report.ReceivedAt : FirstSeen;
            LastSeen = report.ReceivedAt > LastSeen ? report.ReceivedAt : LastSeen;
            if (Kept.Count < keptPerGroup)
            {
                Kept.Add(report);
            }
        }
    }
}

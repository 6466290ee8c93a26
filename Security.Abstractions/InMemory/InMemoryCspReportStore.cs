namespace Security.Abstractions;

/// <summary>
/// Process-local <see cref="ICspReportStore"/>, the default: keeps the newest reports up to a
/// capacity (10,000 by default) and forgets the oldest beyond it, so memory stays bounded.
/// </summary>
public sealed class InMemoryCspReportStore : ICspReportStore
{
    /// <summary>Reports kept by the parameterless constructor.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly LinkedList<CspReport> _reports = new();
    private readonly int _capacity;
    private long _nextId;

    /// <summary>Creates a store that keeps at most <see cref="DefaultCapacity"/> reports.</summary>
    public InMemoryCspReportStore()
        : this(DefaultCapacity)
    {
    }

    /// <summary>Creates a store that keeps at most <paramref name="capacity"/> reports.</summary>
    /// <param name="capacity">A positive number of reports.</param>
    public InMemoryCspReportStore(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(capacity, 0);
        _capacity = capacity;
    }

    /// <summary>How many reports the store holds now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _reports.Count;
            }
        }
    }

    /// <summary>A copy of the stored reports, oldest first.</summary>
    public IReadOnlyList<CspReport> Snapshot()
    {
        lock (_lock)
        {
            return [.. _reports];
        }
    }

    /// <inheritdoc />
    public Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reports);
        lock (_lock)
        {
            foreach (var report in reports)
            {
                _reports.AddLast(report.Truncated() with { Id = ++_nextId });
                if (_reports.Count > _capacity)
                {
                    _reports.RemoveFirst();
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var matching = Snapshot().Where(r =>
            (query.From is not { } from || r.ReceivedAt >= from) &&
            (query.To is not { } to || r.ReceivedAt < to));

        var groups = matching
            .GroupBy(r => (Directive: r.EffectiveDirective ?? r.ViolatedDirective, r.BlockedUri, r.DocumentUri))
            .Where(g => query.EffectiveDirective is null || string.Equals(g.Key.Directive, query.EffectiveDirective, StringComparison.Ordinal))
            .Select(g => new CspReportGroup(
                g.Key.Directive,
                g.Key.BlockedUri,
                g.Key.DocumentUri,
                g.LongCount(),
                g.Min(r => r.ReceivedAt),
                g.Max(r => r.ReceivedAt)))
            .OrderByDescending(g => g.Count)
            .ThenByDescending(g => g.LastSeen)
            .ToList();

        var page = groups.Skip(Math.Max(0, query.Skip)).Take(Math.Max(0, query.Take)).ToList();
        return Task.FromResult(new CspReportGroupPage(page, groups.Count));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
        DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<CspReportHourlyCount> counts = Snapshot()
            .Where(r => r.ReceivedAt >= from && r.ReceivedAt < to &&
                (effectiveDirective is null || string.Equals(r.EffectiveDirective ?? r.ViolatedDirective, effectiveDirective, StringComparison.Ordinal)))
            .GroupBy(r => r.ReceivedAt.UtcTicks - (r.ReceivedAt.UtcTicks % TimeSpan.TicksPerHour))
            .OrderBy(g => g.Key)
            .Select(g => new CspReportHourlyCount(new DateTimeOffset(g.Key, TimeSpan.Zero), g.LongCount()))
            .ToList();
        return Task.FromResult(counts);
    }

    /// <inheritdoc />
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var removed = 0;
        lock (_lock)
        {
            var node = _reports.First;
            while (node is not null && removed < maxCount)
            {
                var next = node.Next;
                if (node.Value.ReceivedAt < cutoff)
                {
                    _reports.Remove(node);
                    removed++;
                }

                node = next;
            }
        }

        return Task.FromResult(removed);
    }
}

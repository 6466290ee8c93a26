namespace Security.Abstractions;

/// <summary>
/// Process-local <see cref="ICspReportStore"/>, the default. Identical reports received in one hour are one group
/// (<see cref="CspReportGroupKey"/>) with a count; the first <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/>
/// reports of a group per hour are kept in full. Memory stays bounded: at most a capacity (10,000 by default) of
/// groups and of full reports, the oldest forgotten beyond it.
/// </summary>
public sealed class InMemoryCspReportStore : ICspReportStore
{
    /// <summary>Groups and full reports kept by the parameterless constructor.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Lock _lock = new();
    private readonly LinkedList<CspReport> _reports = new();
    private readonly Dictionary<(CspReportGroupKey Key, DateTimeOffset Window), LinkedListNode<Group>> _groups = [];

    // Oldest window first: the order in which groups are forgotten past the capacity.
    private readonly LinkedList<Group> _groupOrder = new();
    private readonly int _capacity;
    private readonly int _keptPerGroup;
    private long _nextId;

    /// <summary>Creates a store that keeps at most <see cref="DefaultCapacity"/> groups and full reports.</summary>
    public InMemoryCspReportStore()
        : this(DefaultCapacity)
    {
    }

    /// <summary>Creates a store that keeps at most <paramref name="capacity"/> groups and full reports.</summary>
    /// <param name="capacity">A positive number of groups (and of full reports).</param>
    public InMemoryCspReportStore(int capacity)
        : this(capacity, CspReportStoreOptions.DefaultReportsKeptPerGroup)
    {
    }

    /// <summary>Creates a store that keeps at most <paramref name="capacity"/> groups and full reports.</summary>
    /// <param name="capacity">A positive number of groups (and of full reports).</param>
    /// <param name="reportsKeptPerGroup">Full reports kept per group and hour (0 to 1000); see <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/>.</param>
    public InMemoryCspReportStore(int capacity, int reportsKeptPerGroup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(capacity, 0);
        ArgumentOutOfRangeException.ThrowIfNegative(reportsKeptPerGroup);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reportsKeptPerGroup, CspReportStoreOptions.MaxReportsKeptPerGroup);
        _capacity = capacity;
        _keptPerGroup = reportsKeptPerGroup;
    }

    /// <summary>How many full reports the store holds now.</summary>
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

    /// <summary>How many hourly groups the store holds now.</summary>
    public int GroupCount
    {
        get
        {
            lock (_lock)
            {
                return _groups.Count;
            }
        }
    }

    /// <summary>A copy of the full reports kept, oldest first.</summary>
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
            foreach (var received in reports)
            {
                var report = received.Truncated();
                var key = CspReportGroupKey.For(report);
                var window = CspReportGroupKey.WindowStart(report.ReceivedAt);
                if (!_groups.TryGetValue((key, window), out var node))
                {
                    node = _groupOrder.AddLast(new Group(key, window, report.ReceivedAt));
                    _groups.Add((key, window), node);
                    if (_groups.Count > _capacity)
                    {
                        var oldest = _groupOrder.First!;
                        _groupOrder.RemoveFirst();
                        _groups.Remove((oldest.Value.Key, oldest.Value.Window));
                    }
                }

                var group = node.Value;
                group.Count++;
                group.FirstSeen = report.ReceivedAt < group.FirstSeen ? report.ReceivedAt : group.FirstSeen;
                group.LastSeen = report.ReceivedAt > group.LastSeen ? report.ReceivedAt : group.LastSeen;
                if (group.Count <= _keptPerGroup)
                {
                    _reports.AddLast(report with { Id = ++_nextId });
                    if (_reports.Count > _capacity)
                    {
                        _reports.RemoveFirst();
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var senders = Senders(query.From, query.To);
        var groups = Groups(query.From, query.To, query.EffectiveDirective)
            .GroupBy(g => g.Key)
            .Select(g => new CspReportGroup(
                g.Key.EffectiveDirective,
                g.Key.BlockedUri,
                g.Key.DocumentUri,
                g.Sum(w => w.Count),
                g.Min(w => w.FirstSeen),
                g.Max(w => w.LastSeen))
            {
                Disposition = g.Key.Disposition,
                DistinctSenders = senders.TryGetValue(g.Key, out var addresses) ? addresses.Count : 0,
            })
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
        IReadOnlyList<CspReportHourlyCount> counts = Groups(from, to, effectiveDirective)
            .GroupBy(g => g.Window)
            .OrderBy(g => g.Key)
            .Select(g => new CspReportHourlyCount(g.Key, g.Sum(w => w.Count)))
            .ToList();
        return Task.FromResult(counts);
    }

    /// <inheritdoc />
    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        long reports = 0;
        lock (_lock)
        {
            var removed = 0;
            var node = _groupOrder.First;
            while (node is not null && removed < maxCount)
            {
                var next = node.Next;
                if (node.Value.Window + CspReportGroupKey.Window <= cutoff)
                {
                    _groupOrder.Remove(node);
                    _groups.Remove((node.Value.Key, node.Value.Window));
                    reports += node.Value.Count;
                    removed++;
                }

                node = next;
            }

            // A group's full reports are all older than its last-seen time.
            var report = _reports.First;
            while (report is not null)
            {
                var next = report.Next;
                if (report.Value.ReceivedAt < cutoff &&
                    !_groups.ContainsKey((CspReportGroupKey.For(report.Value), CspReportGroupKey.WindowStart(report.Value.ReceivedAt))))
                {
                    _reports.Remove(report);
                }

                report = next;
            }
        }

        return Task.FromResult((int)Math.Min(int.MaxValue, reports));
    }

    // The distinct sender addresses of the full reports kept per group, in the hours that overlap [from, to).
    private Dictionary<CspReportGroupKey, HashSet<string>> Senders(DateTimeOffset? from, DateTimeOffset? to)
    {
        var fromWindow = from is { } start ? CspReportGroupKey.WindowStart(start) : (DateTimeOffset?)null;
        var senders = new Dictionary<CspReportGroupKey, HashSet<string>>();
        lock (_lock)
        {
            foreach (var report in _reports)
            {
                var window = CspReportGroupKey.WindowStart(report.ReceivedAt);
                if (report.SenderIp is { } address && (fromWindow is not { } f || window >= f) && (to is not { } t || window < t))
                {
                    var key = CspReportGroupKey.For(report);
                    if (!senders.TryGetValue(key, out var addresses))
                    {
                        senders[key] = addresses = new HashSet<string>(StringComparer.Ordinal);
                    }

                    addresses.Add(address);
                }
            }
        }

        return senders;
    }

    // Snapshot of the hourly groups whose hour overlaps [from, to), copied under the lock.
    private List<Group> Groups(DateTimeOffset? from, DateTimeOffset? to, string? effectiveDirective)
    {
        var fromWindow = from is { } start ? CspReportGroupKey.WindowStart(start) : (DateTimeOffset?)null;
        lock (_lock)
        {
            return _groupOrder
                .Where(g => (fromWindow is not { } f || g.Window >= f) && (to is not { } t || g.Window < t) &&
                    (effectiveDirective is null || string.Equals(g.Key.EffectiveDirective, effectiveDirective, StringComparison.Ordinal)))
                .Select(g => g.Copy())
                .ToList();
        }
    }

    private sealed class Group(CspReportGroupKey key, DateTimeOffset window, DateTimeOffset seen)
    {
        public CspReportGroupKey Key { get; } = key;

        public DateTimeOffset Window { get; } = window;

        public long Count { get; set; }

        public DateTimeOffset FirstSeen { get; set; } = seen;

        public DateTimeOffset LastSeen { get; set; } = seen;

        public Group Copy() => new(Key, Window, FirstSeen) { Count = Count, LastSeen = LastSeen };
    }
}

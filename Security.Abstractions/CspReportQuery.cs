namespace Security.Abstractions;

/// <summary>What to read from an <see cref="ICspReportStore"/>: a time window, an optional directive, a page.</summary>
public sealed record CspReportQuery
{
    /// <summary>Earliest received time included; <see langword="null"/> means no lower bound.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Latest received time excluded; <see langword="null"/> means no upper bound.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only groups with this effective directive (exact, ordinal); <see langword="null"/> for all.</summary>
    public string? EffectiveDirective { get; init; }

    /// <summary>Groups to skip (paging). Default 0.</summary>
    public int Skip { get; init; }

    /// <summary>Groups to return at most (paging). Default 50.</summary>
    public int Take { get; init; } = 50;
}

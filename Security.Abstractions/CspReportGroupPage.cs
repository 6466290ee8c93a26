namespace Security.Abstractions;

/// <summary>One page of grouped CSP reports, most frequent first.</summary>
/// <param name="Groups">The groups on this page, ordered by count descending, then last seen descending.</param>
/// <param name="TotalGroups">How many groups match the query across all pages.</param>
public sealed record CspReportGroupPage(IReadOnlyList<CspReportGroup> Groups, long TotalGroups);

namespace Security.Abstractions;

/// <summary>
/// Reports that share an effective directive, blocked URI, document URI and disposition, counted over a time window.
/// </summary>
/// <remarks>
/// <see cref="Count"/> is the number of reports received, not of rows stored: a store keeps only the first few full
/// reports of a group per hour (<see cref="CspReportStoreOptions.ReportsKeptPerGroup"/>) and counts the rest.
/// </remarks>
/// <param name="EffectiveDirective">The directive that was enforced (falls back to the violated directive).</param>
/// <param name="BlockedUri">The blocked resource, without query string and fragment.</param>
/// <param name="DocumentUri">The page the violation happened on, without query string and fragment.</param>
/// <param name="Count">How many reports fell in the window.</param>
/// <param name="FirstSeen">The earliest <see cref="CspReport.ReceivedAt"/> in the window.</param>
/// <param name="LastSeen">The latest <see cref="CspReport.ReceivedAt"/> in the window.</param>
public sealed record CspReportGroup(
    string? EffectiveDirective,
    string? BlockedUri,
    string? DocumentUri,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen)
{
    /// <summary><c>enforce</c> or <c>report</c> (report-only policy); <see langword="null"/> when the browser sent none.</summary>
    public string? Disposition { get; init; }

    /// <summary>
    /// How many distinct client addresses sent the reports of the group kept in full in the window
    /// (<see cref="CspReportStoreOptions.ReportsKeptPerGroup"/> per hour): a lower bound of the distinct senders, which no
    /// single client can raise. <see langword="null"/> when the store does not count them; the dashboard then suggests nothing
    /// from the group.
    /// </summary>
    public int? DistinctSenders { get; init; }
}

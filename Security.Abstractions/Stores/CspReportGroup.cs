namespace Security.Abstractions;

/// <summary>
/// Reports that share an effective directive, blocked URI and document URI, counted over a time window.
/// </summary>
/// <param name="EffectiveDirective">The directive that was enforced (falls back to the violated directive).</param>
/// <param name="BlockedUri">The blocked resource.</param>
/// <param name="DocumentUri">The page the violation happened on.</param>
/// <param name="Count">How many reports fell in the window.</param>
/// <param name="FirstSeen">The earliest <see cref="CspReport.ReceivedAt"/> in the window.</param>
/// <param name="LastSeen">The latest <see cref="CspReport.ReceivedAt"/> in the window.</param>
public sealed record CspReportGroup(
    string? EffectiveDirective,
    string? BlockedUri,
    string? DocumentUri,
    long Count,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);

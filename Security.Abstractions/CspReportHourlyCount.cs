namespace Security.Abstractions;

/// <summary>How many CSP reports were received in one UTC clock hour.</summary>
/// <param name="Hour">The start of the hour, in UTC, e.g. <c>2026-03-01T12:00:00+00:00</c>.</param>
/// <param name="Count">Reports received from <paramref name="Hour"/> (included) to one hour later (excluded).</param>
public sealed record CspReportHourlyCount(DateTimeOffset Hour, long Count);

namespace Security.Persistence.Internal.Model;

/// <summary>One row of the CSP report group table: identical reports of one UTC hour, counted.</summary>
internal sealed class CspReportGroupRow
{
    /// <summary>64 bits of the SHA-256 of the group's directive, URIs and disposition: a small key where the texts are too long to index.</summary>
    public long GroupKey { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public string? EffectiveDirective { get; set; }

    public string? BlockedUri { get; set; }

    public string? DocumentUri { get; set; }

    public string? Disposition { get; set; }

    public long ReportCount { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }
}

namespace Security.Persistence.Internal.Model;

/// <summary>One row of the CSP report table.</summary>
internal sealed class CspReportRow
{
    public long Id { get; set; }

    public string? DocumentUri { get; set; }

    public string? Referrer { get; set; }

    public string? BlockedUri { get; set; }

    public string? ViolatedDirective { get; set; }

    public string? EffectiveDirective { get; set; }

    public string? OriginalPolicy { get; set; }

    public string? Disposition { get; set; }

    public string? SourceFile { get; set; }

    public int? LineNumber { get; set; }

    public int? ColumnNumber { get; set; }

    public string? Sample { get; set; }

    public int? StatusCode { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public string? SenderIp { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>The key of the group the report was counted in; with the hour of <see cref="ReceivedAt"/>, its group row.</summary>
    public long? GroupId { get; set; }
}

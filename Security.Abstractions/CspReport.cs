namespace Security.Abstractions;

/// <summary>
/// One Content-Security-Policy violation report as received from a browser: the fields of a
/// <c>report-uri</c> report (<c>application/csp-report</c>) and of a Reporting API report.
/// </summary>
/// <remarks>
/// Every value comes from the request and is attacker-controlled: render it encoded, never as markup.
/// Use <see cref="Truncated"/> before storing so over-long values never fail an insert.
/// </remarks>
public sealed record CspReport
{
    /// <summary>Column size of the URI, directive and user-agent fields: 1000, room for any real URL while one report stays small.</summary>
    public const int MaxUriLength = 1000;

    /// <summary>Column size of the sender IP (enough for any IPv6 text form).</summary>
    public const int MaxIpLength = 45;

    /// <summary>Column size of the short text fields (disposition, sample).</summary>
    public const int MaxShortTextLength = 256;

    /// <summary>Largest stored original policy; longer policies are cut to this.</summary>
    public const int MaxPolicyLength = 8192;

    /// <summary>Store-assigned identifier; 0 until saved.</summary>
    public long Id { get; init; }

    /// <summary>The page on which the violation happened (<c>document-uri</c> / <c>documentURL</c>).</summary>
    public string? DocumentUri { get; init; }

    /// <summary>The referrer of that page.</summary>
    public string? Referrer { get; init; }

    /// <summary>The resource that was blocked (<c>blocked-uri</c> / <c>blockedURL</c>), e.g. <c>inline</c>.</summary>
    public string? BlockedUri { get; init; }

    /// <summary>The directive as written in the policy, e.g. <c>script-src 'self'</c>.</summary>
    public string? ViolatedDirective { get; init; }

    /// <summary>The directive that was enforced, e.g. <c>script-src-elem</c>.</summary>
    public string? EffectiveDirective { get; init; }

    /// <summary>The whole policy the browser enforced.</summary>
    public string? OriginalPolicy { get; init; }

    /// <summary><c>enforce</c> or <c>report</c>.</summary>
    public string? Disposition { get; init; }

    /// <summary>The script or style file where the violation happened.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Line in <see cref="SourceFile"/>.</summary>
    public int? LineNumber { get; init; }

    /// <summary>Column in <see cref="SourceFile"/>.</summary>
    public int? ColumnNumber { get; init; }

    /// <summary>The first characters of the offending inline script or style (<c>report-sample</c>).</summary>
    public string? Sample { get; init; }

    /// <summary>HTTP status code of the document.</summary>
    public int? StatusCode { get; init; }

    /// <summary>When the report was received (set by the receiver, not the browser).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The client address that sent the report.</summary>
    public string? SenderIp { get; init; }

    /// <summary>The sender's <c>User-Agent</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary>
    /// Returns a copy whose text values fit their column sizes (<see cref="MaxUriLength"/> and the
    /// other limits): over-long values are cut, never rejected.
    /// </summary>
    public CspReport Truncated() => this with
    {
        DocumentUri = Cut(DocumentUri, MaxUriLength),
        Referrer = Cut(Referrer, MaxUriLength),
        BlockedUri = Cut(BlockedUri, MaxUriLength),
        ViolatedDirective = Cut(ViolatedDirective, MaxUriLength),
        EffectiveDirective = Cut(EffectiveDirective, MaxUriLength),
        OriginalPolicy = Cut(OriginalPolicy, MaxPolicyLength),
        Disposition = Cut(Disposition, MaxShortTextLength),
        SourceFile = Cut(SourceFile, MaxUriLength),
        Sample = Cut(Sample, MaxShortTextLength),
        SenderIp = Cut(SenderIp, MaxIpLength),
        UserAgent = Cut(UserAgent, MaxUriLength),
    };

    // Never keeps half a surrogate pair: strict UTF-8 encoders (Npgsql's) would refuse the insert.
    private static string? Cut(string? value, int max) =>
        value is { Length: var length } && length > max
            ? value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)]
            : value;
}

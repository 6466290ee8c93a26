namespace Security.Persistence.Internal.Model;

/// <summary>Column names of the security tables: fixed, so the stores' SQL can name them.</summary>
internal static class SecurityColumns
{
    public const string CspId = "id";
    public const string CspReceivedAt = "received_at";
    public const string CspDocumentUri = "document_uri";
    public const string CspBlockedUri = "blocked_uri";
    public const string CspViolatedDirective = "violated_directive";
    public const string CspEffectiveDirective = "effective_directive";
    public const string CspDisposition = "disposition";
    public const string CspGroupId = "group_id";

    public const string GroupKey = "group_key";
    public const string GroupWindowStart = "window_start";
    public const string GroupReportCount = "report_count";
    public const string GroupFirstSeen = "first_seen";
    public const string GroupLastSeen = "last_seen";

    public const string UserId = "user_id";
    public const string ExpiresAt = "expires_at";

    public const string CounterKey = "counter_key";
    public const string FailureCount = "failure_count";
    public const string LastFailure = "last_failure";

    /// <summary>The CSP report columns written on insert, in order (all but the generated id).</summary>
    public static readonly string[] CspInsert =
    [
        CspDocumentUri, "referrer", CspBlockedUri, CspViolatedDirective, CspEffectiveDirective, "original_policy",
        CspDisposition, "source_file", "line_number", "column_number", "sample", "status_code", CspReceivedAt,
        "sender_ip", "user_agent", CspGroupId,
    ];

    /// <summary>The group columns written on insert, in order (all but the generated id).</summary>
    public static readonly string[] GroupInsert =
    [
        GroupKey, GroupWindowStart, CspEffectiveDirective, CspBlockedUri, CspDocumentUri, CspDisposition, GroupReportCount,
        GroupFirstSeen, GroupLastSeen,
    ];
}

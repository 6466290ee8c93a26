namespace Security.Csp;

/// <summary>
/// Settings of the CSP report endpoint and its background writer (<c>Security:Csp:Reports</c>).
/// </summary>
public sealed class CspReportOptions
{
    /// <summary>The default of <see cref="SuggestionMinClients"/>: 3.</summary>
    public const int DefaultSuggestionMinClients = 3;

    /// <summary>The default of <see cref="MaxNewGroupsPerHour"/>: 10000.</summary>
    public const int DefaultMaxNewGroupsPerHour = 10_000;

    /// <summary>Largest accepted request body in bytes; larger bodies get 413. Default 65536 (64 KiB).</summary>
    public int MaxBodySize { get; set; } = 64 * 1024;

    /// <summary>Deepest accepted JSON nesting; deeper bodies get 400. Default 8.</summary>
    public int MaxJsonDepth { get; set; } = 8;

    /// <summary>
    /// Whether reports are logged as warnings ("Content Security Policy violation"): the first of each group of identical
    /// reports in an hour in full, the rest in one summary line when the hour is over. Default <see langword="true"/>.
    /// </summary>
    public bool LogReports { get; set; } = true;

    /// <summary>Whether the log entry includes the sender's IP address. Default <see langword="true"/>.</summary>
    public bool LogSenderIp { get; set; } = true;

    /// <summary>Whether the log entry includes the sender's user agent. Default <see langword="true"/>.</summary>
    public bool LogUserAgent { get; set; } = true;

    /// <summary>Whether reports are saved to the <c>ICspReportStore</c>. Default <see langword="true"/>.</summary>
    public bool StoreReports { get; set; } = true;

    /// <summary>
    /// Most reports taken from one request body; the rest are dropped and counted
    /// (<c>security.csp.reports.dropped</c>, reason <c>request_limit</c>). A browser batches a few;
    /// a 64 KiB body could otherwise carry about a thousand. Default 100.
    /// </summary>
    public int MaxReportsPerRequest { get; set; } = 100;

    /// <summary>
    /// Whether report URLs (document, blocked, referrer, source file) keep their query string and
    /// fragment when stored and logged. Default <see langword="false"/>: they are cut, because they
    /// carry reset tokens, OAuth codes and session ids.
    /// </summary>
    public bool KeepQueryStrings { get; set; }

    /// <summary>
    /// Further origins of the app, for an app reached under several names, e.g. <c>["https://www.example.com",
    /// "https://example.com:8443"]</c>. A report counts only when its document is on the host the report was sent to or
    /// on one of these origins (scheme, host and port); any other is dropped and counted
    /// (<c>security.csp.reports.rejected</c>, reason <c>foreign_document</c>). Default: none.
    /// </summary>
    public string[] AppOrigins { get; set; } = [];

    /// <summary>
    /// Distinct client addresses whose reports must ask for a source before the dashboard's suggested policy adds it
    /// (counted among the reports kept in full, see <c>ReportsKeptPerGroup</c>): one forged client cannot write the
    /// policy an operator copies. Default 3; 1 to 1000.
    /// </summary>
    public int SuggestionMinClients { get; set; } = DefaultSuggestionMinClients;

    /// <summary>
    /// Most new report groups per UTC clock hour on this app instance, across all clients; past it, reports of new groups
    /// are counted in one group named <c>other</c> and the dashboard says the ceiling was reached. Default 10000.
    /// </summary>
    public int MaxNewGroupsPerHour { get; set; } = DefaultMaxNewGroupsPerHour;

    /// <summary>The per-client limit on report requests (<c>Security:Csp:Reports:RateLimit</c>).</summary>
    public CspReportRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>Reports waiting to be saved before new ones are dropped (and counted). Default 10000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most reports saved in one store call. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Retries of a failed save before its batch is dropped. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry; doubled for each next one. Default 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}

using System.Diagnostics.Metrics;
using Security.Shared;

namespace Security.Csp.Internal;

/// <summary>The CSP instruments on the shared <c>Security</c> meter.</summary>
internal sealed class CspMetrics
{
    public const string ReceivedName = "security.csp.reports.received";
    public const string DroppedName = "security.csp.reports.dropped";
    public const string RejectedName = "security.csp.reports.rejected";

    private readonly Counter<long> _received;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _rejected;

    public CspMetrics(IMeterFactory meterFactory)
    {
        var meter = SecurityMeter.Create(meterFactory);
        _received = meter.CreateCounter<long>(ReceivedName, "{report}", "CSP violation reports accepted by the report endpoint.");
        _dropped = meter.CreateCounter<long>(DroppedName, "{report}", "CSP violation reports accepted but not stored (over the per-request limit, queue full or store failing).");
        _rejected = meter.CreateCounter<long>(RejectedName, "{request}", "Requests to the report endpoint answered with a 4xx (rate limited, invalid, too large, wrong content type), and reports dropped because their document is not one of the app's origins.");
    }

    public void Received(int count) => _received.Count(count);

    /// <param name="count">Reports lost.</param>
    /// <param name="reason"><c>request_limit</c>, <c>queue_full</c> or <c>store_failed</c>.</param>
    public void Dropped(int count, string reason) => _dropped.Count("reason", reason, count);

    /// <param name="reason">
    /// <c>rate_limited</c>, <c>invalid</c>, <c>too_large</c> or <c>unsupported_media_type</c> (a request); <c>foreign_document</c>
    /// (reports whose document is not one of the app's origins, counted one each).
    /// </param>
    /// <param name="count">Requests or reports refused.</param>
    public void Rejected(string reason, int count = 1) => _rejected.Count("reason", reason, count);
}

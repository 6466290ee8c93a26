using System.Diagnostics.Metrics;
using Security.Abstractions;

namespace Security.Csp;

/// <summary>The CSP instruments on the shared <c>Security</c> meter.</summary>
internal sealed class CspMetrics
{
    public const string ReceivedName = "security.csp.reports.received";
    public const string DroppedName = "security.csp.reports.dropped";

    private readonly Counter<long> _received;
    private readonly Counter<long> _dropped;

    public CspMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SecurityTelemetry.MeterName);
        _received = meter.CreateCounter<long>(ReceivedName, "{report}", "CSP violation reports accepted by the report endpoint.");
        _dropped = meter.CreateCounter<long>(DroppedName, "{report}", "CSP violation reports accepted but not stored (queue full or store failing).");
    }

    public void Received(int count)
    {
        if (_received.Enabled)
        {
            _received.Add(count);
        }
    }

    /// <param name="count">Reports lost.</param>
    /// <param name="reason"><c>queue_full</c> or <c>store_failed</c>.</param>
    public void Dropped(int count, string reason)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
        }
    }
}

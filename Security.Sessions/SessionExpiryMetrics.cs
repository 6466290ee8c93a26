using System.Diagnostics.Metrics;
using Security.Abstractions;

namespace Security.Sessions;

/// <summary>The <c>security.sessions.expired</c> counter on the <c>Security</c> meter.</summary>
internal sealed class SessionExpiryMetrics
{
    private readonly Counter<long> _expired;

    public SessionExpiryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SecurityTelemetry.MeterName);
        _expired = meter.CreateCounter<long>(
            "security.sessions.expired",
            unit: "{session}",
            description: "Sessions expired by the absolute or inactivity timeout.");
    }

    public void Expired(ExpiryReason reason, bool signedIn)
    {
        if (_expired.Enabled)
        {
            _expired.Add(
                1,
                new KeyValuePair<string, object?>("reason", reason == ExpiryReason.Absolute ? "absolute" : "inactivity"),
                new KeyValuePair<string, object?>("signed_in", signedIn));
        }
    }
}

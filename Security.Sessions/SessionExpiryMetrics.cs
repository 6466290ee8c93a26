using System.Diagnostics.Metrics;
using Security.Abstractions;

namespace Security.Sessions;

/// <summary>The <c>security.sessions.*</c> counters on the <c>Security</c> meter.</summary>
internal sealed class SessionExpiryMetrics
{
    private readonly Counter<long> _expired;
    private readonly Counter<long> _storeUnavailable;

    public SessionExpiryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SecurityTelemetry.MeterName);
        _expired = meter.CreateCounter<long>(
            "security.sessions.expired",
            unit: "{session}",
            description: "Sessions expired by the absolute or inactivity timeout.");
        _storeUnavailable = meter.CreateCounter<long>(
            "security.sessions.store_unavailable",
            unit: "{request}",
            description: "Requests whose session could not be read from the session store.");
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

    public void StoreUnavailable(string action, bool signedIn)
    {
        if (_storeUnavailable.Enabled)
        {
            _storeUnavailable.Add(
                1,
                new KeyValuePair<string, object?>("action", action),
                new KeyValuePair<string, object?>("signed_in", signedIn));
        }
    }
}

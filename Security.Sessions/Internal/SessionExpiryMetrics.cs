using System.Diagnostics.Metrics;
using Security.Shared;

namespace Security.Sessions.Internal;

/// <summary>The <c>security.sessions.*</c> counters on the <c>Security</c> meter.</summary>
internal sealed class SessionExpiryMetrics
{
    private readonly Counter<long> _expired;
    private readonly Counter<long> _storeUnavailable;

    public SessionExpiryMetrics(IMeterFactory meterFactory)
    {
        var meter = SecurityMeter.Create(meterFactory);
        _expired = meter.CreateCounter<long>(
            "security.sessions.expired",
            unit: "{session}",
            description: "Sessions expired by the absolute or inactivity timeout.");
        _storeUnavailable = meter.CreateCounter<long>(
            "security.sessions.store_unavailable",
            unit: "{request}",
            description: "Requests whose session could not be read from the session store.");
    }

    public void Expired(ExpiryReason reason, bool signedIn) =>
        _expired.Count("reason", reason == ExpiryReason.Absolute ? "absolute" : "inactivity", "signed_in", signedIn);

    public void StoreUnavailable(string action, bool signedIn) =>
        _storeUnavailable.Count("action", action, "signed_in", signedIn);
}

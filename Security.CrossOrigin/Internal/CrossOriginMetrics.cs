using System.Diagnostics.Metrics;
using Security.Shared;

namespace Security.CrossOrigin.Internal;

/// <summary>The <c>security.cross_origin.*</c> counters on the <c>Security</c> meter.</summary>
internal sealed class CrossOriginMetrics
{
    public const string RefusedName = "security.cross_origin.refused";

    private readonly Counter<long> _refused;

    public CrossOriginMetrics(IMeterFactory meterFactory)
    {
        var meter = SecurityMeter.Create(meterFactory);
        _refused = meter.CreateCounter<long>(
            RefusedName,
            unit: "{request}",
            description: "Requests refused because a browser sent them on another origin's behalf.");
    }

    public void Refused(CrossOriginRefusal refusal) => _refused.Count("reason", CrossOriginRefusals.Name(refusal));
}

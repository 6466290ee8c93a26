using Security.Abstractions;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// Bounds the new report groups one app instance admits per UTC clock hour (<see cref="CspReportOptions.MaxNewGroupsPerHour"/>),
/// across all clients: past the ceiling a report of a new group is counted in the one group <see cref="OtherDirective"/>, so
/// many addresses together cannot turn storage into one row per forged URL. Memory: the key of each admitted group (at most
/// the ceiling's count), compared in full: a hash of attacker-chosen URLs could collide and let extra groups in.
/// </summary>
internal sealed class CspReportGroupCeiling(int maxNewGroupsPerHour)
{
    /// <summary>
    /// The effective directive of the group past the ceiling. Its document URI is empty, which no stored report of the
    /// app's own pages has, so a forged report cannot pass for it.
    /// </summary>
    public const string OtherDirective = "other";

    private readonly Lock _lock = new();
    private readonly HashSet<CspReportGroupKey> _groups = [];
    private DateTimeOffset _window;

    /// <summary>The report itself while its group is known or the ceiling is not reached; else its stand-in in <see cref="OtherDirective"/>.</summary>
    public CspReport Admit(CspReport report)
    {
        var key = CspReportGroupKey.For(report);
        var window = CspReportGroupKey.WindowStart(report.ReceivedAt);

        lock (_lock)
        {
            if (window > _window)
            {
                _window = window;
                _groups.Clear();
            }

            if (_groups.Contains(key) || (_groups.Count < maxNewGroupsPerHour && _groups.Add(key)))
            {
                return report;
            }
        }

        return new CspReport { EffectiveDirective = OtherDirective, ReceivedAt = report.ReceivedAt, SenderIp = report.SenderIp };
    }

    /// <summary>Whether a stored group is the one past the ceiling.</summary>
    public static bool IsOther(CspReportGroup group) =>
        group.EffectiveDirective == OtherDirective && group.DocumentUri is null && group.BlockedUri is null;
}

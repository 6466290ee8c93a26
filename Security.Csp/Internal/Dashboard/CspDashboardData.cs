using Security.Abstractions;
using Security.Csp.Internal.Policy;

namespace Security.Csp.Internal.Dashboard;

/// <summary>
/// What both the page and the JSON show: the window [<paramref name="From"/>, <paramref name="To"/>), one page of
/// groups, and one count per hour of the window (zeros included), or <see langword="null"/> when the store cannot count;
/// what would allow each group (<paramref name="Advice"/>, in the order of the groups) and the app's policy with every
/// safe allow of the window merged in (<paramref name="Suggested"/>, <see langword="null"/> without a policy).
/// </summary>
internal sealed record CspDashboardData(
    CspDashboardQuery Query,
    DateTimeOffset From,
    DateTimeOffset To,
    CspReportGroupPage Groups,
    IReadOnlyList<CspReportHourlyCount>? Hourly,
    IReadOnlyList<CspAllowAdvice> Advice,
    CspPolicyText? Suggested)
{
    /// <summary>Distinct client addresses a group needs before its allow enters <see cref="Suggested"/>.</summary>
    public int MinClients { get; init; } = 1;

    /// <summary>Reports of the window counted past the ceiling of new groups per hour (0 when it was never reached).</summary>
    public long OverCeiling { get; init; }

    /// <summary>The ceiling of new groups per hour and app instance.</summary>
    public int MaxNewGroupsPerHour { get; init; }

    /// <summary>The findings of the policy linter on the app's configured policies.</summary>
    public IReadOnlyList<CspPolicyFinding> Findings { get; init; } = [];

    public long PageCount => Math.Max(1, (Groups.TotalGroups + CspDashboardQuery.PageSize - 1) / CspDashboardQuery.PageSize);
}

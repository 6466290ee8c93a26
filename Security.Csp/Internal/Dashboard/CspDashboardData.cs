using Security.Abstractions;

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
    public long PageCount => Math.Max(1, (Groups.TotalGroups + CspDashboardQuery.PageSize - 1) / CspDashboardQuery.PageSize);
}

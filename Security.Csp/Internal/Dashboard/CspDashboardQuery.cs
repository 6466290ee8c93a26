using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;

namespace Security.Csp.Internal.Dashboard;

/// <summary>The dashboard's validated query string: <c>hours</c>, <c>directive</c>, <c>page</c>.</summary>
internal sealed record CspDashboardQuery(int Hours, string? Directive, int Page)
{
    public const int DefaultHours = 24;
    public const int MaxHours = 720;
    public const int MaxPage = 1_000_000;
    public const int PageSize = 50;

    /// <summary>The windows the form offers; any whole number from 1 to <see cref="MaxHours"/> is accepted.</summary>
    public static readonly int[] OfferedHours = [1, 24, 168, 720];

    /// <summary>Reads the query, or returns the message for a 400 naming the bad parameter.</summary>
    public static CspDashboardQuery? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        var hours = Number(query, "hours", DefaultHours, MaxHours, ref error);
        var page = Number(query, "page", 1, MaxPage, ref error);
        string? directive = null;
        if (query.TryGetValue("directive", out var values) && values.Count > 0)
        {
            if (values.Count > 1)
            {
                error ??= "directive may be given only once.";
            }
            else if (values[0] is { Length: > CspReport.MaxUriLength })
            {
                error ??= $"directive may be at most {CspReport.MaxUriLength} characters.";
            }
            else if (!string.IsNullOrEmpty(values[0]))
            {
                directive = values[0];
            }
        }

        return error is null ? new CspDashboardQuery(hours, directive, page) : null;
    }

    private static int Number(IQueryCollection query, string name, int fallback, int max, ref string? error)
    {
        if (!query.TryGetValue(name, out StringValues values) || values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return fallback;
        }

        if (values.Count == 1 &&
            int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) &&
            value >= 1 && value <= max)
        {
            return value;
        }

        error ??= $"{name} must be a whole number from 1 to {max.ToString(CultureInfo.InvariantCulture)}, given once.";
        return fallback;
    }
}

namespace Security.Abstractions;

/// <summary>
/// What makes CSP reports "identical" for aggregation: the same effective directive (the violated directive when a
/// report has none), blocked URI, document URI and disposition, the URIs compared without query string and fragment.
/// Identical reports received in the same UTC clock hour (<see cref="WindowStart"/>) form one stored group whose
/// count rises with each report, so a flood costs a counter update, not a row.
/// </summary>
/// <param name="EffectiveDirective">The effective directive, e.g. <c>img-src</c>.</param>
/// <param name="BlockedUri">The blocked URI without query string and fragment, e.g. <c>https://cdn.example.com/a.png</c>.</param>
/// <param name="DocumentUri">The document URI without query string and fragment.</param>
/// <param name="Disposition"><c>enforce</c> or <c>report</c>.</param>
public readonly record struct CspReportGroupKey(string? EffectiveDirective, string? BlockedUri, string? DocumentUri, string? Disposition)
{
    /// <summary>The length of an aggregation window: one hour, aligned on UTC clock hours.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>The group a report belongs to.</summary>
    /// <param name="report">A received report.</param>
    /// <returns>Its key, with the URIs cut before any <c>?</c> or <c>#</c>.</returns>
    public static CspReportGroupKey For(CspReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(
            report.EffectiveDirective ?? report.ViolatedDirective,
            WithoutQueryOrFragment(report.BlockedUri),
            WithoutQueryOrFragment(report.DocumentUri),
            report.Disposition);
    }

    /// <summary>
    /// Cuts a URL before its query string or fragment, e.g. <c>https://app.example/reset?token=abc#x</c> becomes
    /// <c>https://app.example/reset</c>; values without either (<c>inline</c>, <c>eval</c>) are returned as they are.
    /// </summary>
    /// <param name="url">A URL as a browser reported it, or <see langword="null"/>.</param>
    public static string? WithoutQueryOrFragment(string? url)
    {
        if (url is null)
        {
            return null;
        }

        var cut = url.AsSpan().IndexOfAny('?', '#');
        return cut < 0 ? url : url[..cut];
    }

    /// <summary>The start of the UTC clock hour holding <paramref name="receivedAt"/>: its aggregation window.</summary>
    /// <param name="receivedAt">When a report was received.</param>
    public static DateTimeOffset WindowStart(DateTimeOffset receivedAt) =>
        new(receivedAt.UtcTicks - (receivedAt.UtcTicks % Window.Ticks), TimeSpan.Zero);
}

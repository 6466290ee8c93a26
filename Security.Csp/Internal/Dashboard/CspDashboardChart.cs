using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Security.Abstractions;

namespace Security.Csp.Internal.Dashboard;

/// <summary>Draws reports per hour as an inline SVG bar chart: one bar per hour, heights proportional to counts.</summary>
internal static class CspDashboardChart
{
    public const double Width = 760;
    public const double Height = 190;
    public const double PlotLeft = 48;
    public const double PlotTop = 12;
    public const double PlotWidth = 700;
    public const double PlotHeight = 140;

    public static void Render(StringBuilder html, IReadOnlyList<CspReportHourlyCount> hourly)
    {
        var max = Math.Max(1, hourly.Count == 0 ? 0 : hourly.Max(h => h.Count));
        var total = hourly.Sum(h => h.Count);
        var slot = PlotWidth / Math.Max(1, hourly.Count);
        var bottom = PlotTop + PlotHeight;
        html.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" aria-label=\"{total} reports in {hourly.Count} hours\">\n");
        html.Append(CultureInfo.InvariantCulture,
            $"<line class=\"axis\" x1=\"{PlotLeft}\" y1=\"{PlotTop}\" x2=\"{PlotLeft}\" y2=\"{bottom}\"/><line class=\"axis\" x1=\"{PlotLeft}\" y1=\"{bottom}\" x2=\"{PlotLeft + PlotWidth}\" y2=\"{bottom}\"/>\n");
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{PlotLeft - 6}\" y=\"{PlotTop + 4}\" text-anchor=\"end\">{max}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text class=\"label\" x=\"{PlotLeft - 6}\" y=\"{bottom}\" text-anchor=\"end\">0</text>\n");
        for (var i = 0; i < hourly.Count; i++)
        {
            var (hour, count) = hourly[i];
            var height = PlotHeight * count / max;
            html.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" x=\"{Number(PlotLeft + (i * slot) + (slot * 0.1))}\" y=\"{Number(bottom - height)}\" width=\"{Number(slot * 0.8)}\" height=\"{Number(height)}\">");
            html.Append(CultureInfo.InvariantCulture,
                $"<title>{HtmlEncoder.Default.Encode(CspDashboardHtml.Time(hour))} to {hour.AddHours(1):HH:mm} UTC: {count} {(count == 1 ? "report" : "reports")}</title></rect>\n");
        }

        if (hourly.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<text class=\"label\" x=\"{PlotLeft}\" y=\"{bottom + 18}\" text-anchor=\"start\">{HtmlEncoder.Default.Encode(CspDashboardHtml.Time(hourly[0].Hour))}</text>");
            html.Append(CultureInfo.InvariantCulture,
                $"<text class=\"label\" x=\"{PlotLeft + PlotWidth}\" y=\"{bottom + 18}\" text-anchor=\"end\">{HtmlEncoder.Default.Encode(CspDashboardHtml.Time(hourly[^1].Hour.AddHours(1)))}</text>\n");
        }

        html.Append("<text class=\"label\" x=\"4\" y=\"").Append((PlotTop + (PlotHeight / 2)).ToString(CultureInfo.InvariantCulture))
            .Append("\" text-anchor=\"start\">per hour</text>\n</svg>\n");
    }

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

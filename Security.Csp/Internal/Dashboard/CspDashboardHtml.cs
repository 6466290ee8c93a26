using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

using Security.Csp.Internal.Policy;

namespace Security.Csp.Internal.Dashboard;

/// <summary>
/// Renders the dashboard page. Every value from a report is attacker input and goes through
/// <see cref="HtmlEncoder"/>; URLs are built with <see cref="QueryString"/> (percent-encoding) and then HTML-encoded.
/// </summary>
internal static class CspDashboardHtml
{
    /// <summary>The page's only inline content; the CSP header allows it by its SHA-256 hash.</summary>
    public const string Stylesheet = """
        body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}
        h1{font-size:1.3rem}
        form{margin:1rem 0}
        label{margin-right:1rem}
        table{border-collapse:collapse;width:100%;table-layout:fixed}
        th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
        td.n,th.n{text-align:right;width:6rem}
        th.t{width:11rem}
        .chart .bar{fill:#3465a4}
        .chart .axis{stroke:#555}
        .chart .label{font-size:11px;fill:#555}
        .muted{color:#666}
        .warning{color:#a40;font-weight:bold}
        nav a{margin-right:1rem}
        code{font:13px ui-monospace,monospace}
        textarea{width:100%;font:13px ui-monospace,monospace}
        """;

    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    public static string Render(CspDashboardData data, string pagePath)
    {
        var query = data.Query;
        var html = new StringBuilder(16 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>CSP reports</title>\n<style>").Append(Stylesheet).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>CSP violation reports</h1>\n");

        html.Append("<form method=\"get\" action=\"").Append(Encoder.Encode(pagePath)).Append("\">\n")
            .Append("<label>Window <select name=\"hours\">");
        foreach (var hours in CspDashboardQuery.OfferedHours.Append(query.Hours).Distinct().Order())
        {
            html.Append(CultureInfo.InvariantCulture, $"<option value=\"{hours}\"{(hours == query.Hours ? " selected" : "")}>{HoursText(hours)}</option>");
        }

        html.Append("</select></label>\n<label>Directive <input name=\"directive\" size=\"24\" placeholder=\"all, e.g. script-src-elem\" value=\"")
            .Append(Encoder.Encode(query.Directive ?? string.Empty)).Append("\"></label>\n")
            .Append("<button type=\"submit\">Show</button>\n</form>\n");

        html.Append("<p class=\"muted\">From ").Append(Encoder.Encode(Time(data.From))).Append(" to ").Append(Encoder.Encode(Time(data.To)))
            .Append(" UTC. <a href=\"").Append(Encoder.Encode(pagePath + "/json" + Query(query.Hours, query.Directive, query.Page))).Append("\">JSON</a></p>\n");

        html.Append("<h2>Reports per hour</h2>\n");
        if (data.Hourly is { } hourly)
        {
            CspDashboardChart.Render(html, hourly);
        }
        else
        {
            html.Append("<p class=\"muted\">The report store cannot count reports per hour.</p>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<h2>Groups ({data.Groups.TotalGroups})</h2>\n");
        html.Append("<table>\n<thead><tr><th>Effective directive</th><th>Blocked URI</th><th>Document URI</th>")
            .Append("<th class=\"n\">Count</th><th class=\"t\">First seen (UTC)</th><th class=\"t\">Last seen (UTC)</th><th>Allow</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < data.Groups.Groups.Count; i++)
        {
            var group = data.Groups.Groups[i];
            html.Append("<tr><td>");
            if (group.EffectiveDirective is { } directive)
            {
                // Report values are shown as text, never as links: a blocked URI may well be javascript:.
                html.Append("<a href=\"").Append(Encoder.Encode(pagePath + Query(query.Hours, directive, 1))).Append("\">")
                    .Append(Encoder.Encode(directive)).Append("</a>");
            }

            html.Append("</td><td>").Append(Encoder.Encode(group.BlockedUri ?? string.Empty))
                .Append("</td><td>").Append(Encoder.Encode(group.DocumentUri ?? string.Empty))
                .Append(CultureInfo.InvariantCulture, $"</td><td class=\"n\">{group.Count}</td><td>")
                .Append(Encoder.Encode(Time(group.FirstSeen, seconds: true))).Append("</td><td>")
                .Append(Encoder.Encode(Time(group.LastSeen, seconds: true))).Append("</td><td>");
            var advice = data.Advice[i];
            if (advice.Allow is { } allow)
            {
                html.Append("<code class=\"allow\">").Append(Encoder.Encode(allow)).Append("</code>");
            }

            if (advice.Advice is not null || advice.Allow is null)
            {
                html.Append("<span class=\"advice muted\">").Append(Encoder.Encode(advice.Advice ?? string.Empty)).Append("</span>");
            }

            html.Append("</td></tr>\n");
        }

        if (data.Groups.Groups.Count == 0)
        {
            html.Append("<tr><td colspan=\"7\" class=\"muted\">No reports.</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n<nav>");
        if (query.Page > 1)
        {
            html.Append("<a rel=\"prev\" href=\"").Append(Encoder.Encode(pagePath + Query(query.Hours, query.Directive, query.Page - 1))).Append("\">Previous</a>");
        }

        html.Append(CultureInfo.InvariantCulture, $"<span>Page {query.Page} of {data.PageCount}</span>");
        if (query.Page < data.PageCount)
        {
            html.Append("<a rel=\"next\" href=\"").Append(Encoder.Encode(pagePath + Query(query.Hours, query.Directive, query.Page + 1))).Append("\">Next</a>");
        }

        html.Append("</nav>\n");
        if (data.OverCeiling > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"warning\">The ceiling of {data.MaxNewGroupsPerHour} new groups per hour was reached: ")
                .Append(CultureInfo.InvariantCulture, $"{data.OverCeiling} reports of further groups were counted in the group \"other\" without their details.</p>\n");
        }

        if (data.Suggested is { } suggested)
        {
            // A read-only text area: selectable and copyable without any script on the page.
            html.Append("<h2>Suggested policy</h2>\n<p class=\"muted\">The app's policy with the allow of every group merged in whose reports came from ")
                .Append(CultureInfo.InvariantCulture, $"at least {data.MinClients} client addresses; scripts, plugins, framing, base URLs and form targets are never widened. ")
                .Append("Review it before use, then copy it into the configuration.</p>\n")
                .Append("<textarea id=\"suggested-policy\" readonly rows=\"4\">").Append(Encoder.Encode(suggested.ToString())).Append("</textarea>\n");
        }

        html.Append("<h2>Policy findings</h2>\n");
        if (data.Findings.Count == 0)
        {
            html.Append("<p class=\"muted\">The linter found no weakness in the app's policies.</p>\n");
        }
        else
        {
            html.Append("<ul id=\"policy-findings\">\n");
            foreach (var finding in data.Findings)
            {
                html.Append("<li>").Append(Severity(finding.Severity)).Append(": policy ").Append(Encoder.Encode(finding.Policy))
                    .Append(" (").Append(Encoder.Encode(finding.Disposition)).Append("), <code>").Append(Encoder.Encode(finding.Directive))
                    .Append("</code>: ").Append(Encoder.Encode(finding.Message)).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    public static string Severity(CspFindingSeverity severity) => severity switch
    {
        CspFindingSeverity.High => "high",
        CspFindingSeverity.Medium => "medium",
        _ => "low",
    };

    public static string Time(DateTimeOffset value, bool seconds = false) =>
        value.UtcDateTime.ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Query(int hours, string? directive, int page)
    {
        var pairs = new List<KeyValuePair<string, string?>> { new("hours", hours.ToString(CultureInfo.InvariantCulture)) };
        if (directive is not null)
        {
            pairs.Add(new("directive", directive));
        }

        if (page > 1)
        {
            pairs.Add(new("page", page.ToString(CultureInfo.InvariantCulture)));
        }

        return QueryString.Create(pairs).ToUriComponent();
    }

    private static string HoursText(int hours) => hours switch
    {
        1 => "last hour",
        168 => "last 7 days",
        720 => "last 30 days",
        _ when hours % 24 == 0 => $"last {hours / 24} days".Replace("last 1 days", "last 24 hours", StringComparison.Ordinal),
        _ => string.Create(CultureInfo.InvariantCulture, $"last {hours} hours"),
    };
}

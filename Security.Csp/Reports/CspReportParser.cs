using System.Globalization;
using System.Text.Json;
using Security.Abstractions;

namespace Security.Csp.Reports;

/// <summary>
/// Reads both report formats tolerantly, as browsers really send them: the legacy
/// <c>{"csp-report": {...}}</c> object and the Reporting API array of <c>{"type": "csp-violation", "body": {...}}</c>.
/// </summary>
internal static class CspReportParser
{
    /// <summary>Parses <paramref name="body"/>; false when it is not JSON or holds no report object.</summary>
    public static bool TryParse(
        ReadOnlyMemory<byte> body, int maxDepth, DateTimeOffset receivedAt, string? senderIp, string? userAgent, List<CspReport> reports)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!root.TryGetProperty("csp-report", out var legacy) || legacy.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }

                    reports.Add(FromLegacy(legacy, receivedAt, senderIp, userAgent));
                    return true;

                case JsonValueKind.Array:
                    foreach (var entry in root.EnumerateArray())
                    {
                        // Other report types (deprecation, intervention, ...) may share the endpoint: ignored.
                        if (entry.ValueKind == JsonValueKind.Object &&
                            Text(entry, "type") == "csp-violation" &&
                            entry.TryGetProperty("body", out var reportBody) && reportBody.ValueKind == JsonValueKind.Object)
                        {
                            reports.Add(FromReportingApi(entry, reportBody, receivedAt, senderIp, userAgent));
                        }
                    }

                    return true;

                default:
                    return false;
            }
        }
    }

    private static CspReport FromLegacy(JsonElement r, DateTimeOffset receivedAt, string? senderIp, string? userAgent)
    {
        var violated = Text(r, "violated-directive");
        return new CspReport
        {
            DocumentUri = Text(r, "document-uri"),
            Referrer = Text(r, "referrer"),
            BlockedUri = Text(r, "blocked-uri"),
            ViolatedDirective = violated,
            EffectiveDirective = Text(r, "effective-directive") ?? FirstToken(violated),
            OriginalPolicy = Text(r, "original-policy"),
            Disposition = Text(r, "disposition"),
            SourceFile = Text(r, "source-file"),
            LineNumber = Number(r, "line-number"),
            ColumnNumber = Number(r, "column-number"),
            Sample = Text(r, "script-sample") ?? Text(r, "sample"),
            StatusCode = Number(r, "status-code"),
            ReceivedAt = receivedAt,
            SenderIp = senderIp,
            UserAgent = userAgent,
        }.Truncated();
    }

    private static CspReport FromReportingApi(JsonElement entry, JsonElement b, DateTimeOffset receivedAt, string? senderIp, string? userAgent)
    {
        var violated = Text(b, "violatedDirective");
        return new CspReport
        {
            DocumentUri = Text(b, "documentURL") ?? Text(entry, "url"),
            Referrer = Text(b, "referrer"),
            BlockedUri = Text(b, "blockedURL"),
            ViolatedDirective = violated,
            EffectiveDirective = Text(b, "effectiveDirective") ?? FirstToken(violated),
            OriginalPolicy = Text(b, "originalPolicy"),
            Disposition = Text(b, "disposition"),
            SourceFile = Text(b, "sourceFile"),
            LineNumber = Number(b, "lineNumber"),
            ColumnNumber = Number(b, "columnNumber"),
            Sample = Text(b, "sample"),
            StatusCode = Number(b, "statusCode"),
            ReceivedAt = receivedAt,
            SenderIp = senderIp,
            UserAgent = userAgent ?? Text(entry, "user_agent"),
        }.Truncated();
    }

    private static string? Text(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => null,
        };
    }

    // Browsers have sent numbers both as JSON numbers and as strings.
    private static int? Number(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }

    private static string? FirstToken(string? directive)
    {
        if (string.IsNullOrWhiteSpace(directive))
        {
            return null;
        }

        var trimmed = directive.AsSpan().Trim();
        var space = trimmed.IndexOfAny(' ', '\t');
        return (space < 0 ? trimmed : trimmed[..space]).ToString();
    }
}

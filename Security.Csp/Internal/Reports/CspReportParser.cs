using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using Security.Abstractions;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// Reads both report formats tolerantly, as browsers really send them: the legacy
/// <c>{"csp-report": {...}}</c> object and the Reporting API array of <c>{"type": "csp-violation", "body": {...}}</c>.
/// </summary>
/// <remarks>
/// Nothing in a body can make it throw: the JSON is parsed within a depth limit, then the whole body
/// must be valid UTF-8 with every <c>\u</c> escape forming valid UTF-16, or it is refused; after that,
/// reading a string cannot fail. A value of an unexpected JSON type is read as absent.
/// </remarks>
internal static class CspReportParser
{
    /// <summary>
    /// Parses <paramref name="body"/> into at most <see cref="CspReportOptions.MaxReportsPerRequest"/> reports;
    /// false when it is not JSON, holds text that is not valid Unicode, or holds no report object.
    /// </summary>
    /// <remarks><paramref name="dropped"/> counts the reports found beyond the per-request limit, not parsed.</remarks>
    public static bool TryParse(
        ReadOnlyMemory<byte> body, CspReportOptions options, DateTimeOffset receivedAt, string? senderIp, string? userAgent,
        List<CspReport> reports, out int dropped)
    {
        dropped = 0;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = options.MaxJsonDepth });
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            // Checked after parsing, which guarantees that every backslash starts a well-formed escape.
            if (!IsValidText(body.Span))
            {
                return false;
            }

            var context = new Context(receivedAt, senderIp, userAgent, options.KeepQueryStrings);
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.Object:
                    if (!root.TryGetProperty("csp-report", out var legacy) || legacy.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }

                    reports.Add(FromLegacy(legacy, context));
                    return true;

                case JsonValueKind.Array:
                    var found = 0;
                    foreach (var entry in root.EnumerateArray())
                    {
                        // Other report types (deprecation, intervention, ...) may share the endpoint: ignored.
                        if (entry.ValueKind == JsonValueKind.Object &&
                            entry.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("csp-violation") &&
                            entry.TryGetProperty("body", out var reportBody) && reportBody.ValueKind == JsonValueKind.Object)
                        {
                            if (found++ < options.MaxReportsPerRequest)
                            {
                                reports.Add(FromReportingApi(entry, reportBody, context));
                            }
                        }
                    }

                    dropped = Math.Max(0, found - options.MaxReportsPerRequest);
                    return found > 0;

                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Whether reading any string of this (already parsed) JSON succeeds: the bytes are valid UTF-8
    /// (so no encoded surrogate either), and every <c>\u</c> escape of a surrogate is one half of a pair.
    /// </summary>
    internal static bool IsValidText(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return false;
        }

        int backslash;
        while ((backslash = json.IndexOf((byte)'\\')) >= 0)
        {
            if (backslash + 1 >= json.Length)
            {
                return false;
            }

            if (json[backslash + 1] != (byte)'u')
            {
                json = json[(backslash + 2)..];
                continue;
            }

            if (backslash + 6 > json.Length)
            {
                return false;
            }

            var unit = Hex4(json.Slice(backslash + 2, 4));
            json = json[(backslash + 6)..];
            if (char.IsHighSurrogate(unit))
            {
                if (json.Length < 6 || json[0] != (byte)'\\' || json[1] != (byte)'u' || !char.IsLowSurrogate(Hex4(json.Slice(2, 4))))
                {
                    return false;
                }

                json = json[6..];
            }
            else if (char.IsLowSurrogate(unit))
            {
                return false;
            }
        }

        return true;
    }

    private static char Hex4(ReadOnlySpan<byte> digits) =>
        ushort.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit) ? (char)unit : '\0';

    private readonly record struct Context(DateTimeOffset ReceivedAt, string? SenderIp, string? UserAgent, bool KeepQueryStrings);

    private static CspReport FromLegacy(JsonElement r, Context context)
    {
        var violated = Text(r, "violated-directive");
        return new CspReport
        {
            DocumentUri = Url(r, "document-uri", context),
            Referrer = Url(r, "referrer", context),
            BlockedUri = Url(r, "blocked-uri", context),
            ViolatedDirective = violated,
            EffectiveDirective = Text(r, "effective-directive") ?? FirstToken(violated),
            OriginalPolicy = Text(r, "original-policy"),
            Disposition = Text(r, "disposition"),
            SourceFile = Url(r, "source-file", context),
            LineNumber = Number(r, "line-number"),
            ColumnNumber = Number(r, "column-number"),
            Sample = Text(r, "script-sample") ?? Text(r, "sample"),
            StatusCode = Number(r, "status-code"),
            ReceivedAt = context.ReceivedAt,
            SenderIp = context.SenderIp,
            UserAgent = context.UserAgent,
        }.Truncated();
    }

    private static CspReport FromReportingApi(JsonElement entry, JsonElement b, Context context)
    {
        var violated = Text(b, "violatedDirective");
        return new CspReport
        {
            DocumentUri = Url(b, "documentURL", context) ?? Url(entry, "url", context),
            Referrer = Url(b, "referrer", context),
            BlockedUri = Url(b, "blockedURL", context),
            ViolatedDirective = violated,
            EffectiveDirective = Text(b, "effectiveDirective") ?? FirstToken(violated),
            OriginalPolicy = Text(b, "originalPolicy"),
            Disposition = Text(b, "disposition"),
            SourceFile = Url(b, "sourceFile", context),
            LineNumber = Number(b, "lineNumber"),
            ColumnNumber = Number(b, "columnNumber"),
            Sample = Text(b, "sample"),
            StatusCode = Number(b, "statusCode"),
            ReceivedAt = context.ReceivedAt,
            SenderIp = context.SenderIp,
            UserAgent = context.UserAgent ?? Text(entry, "user_agent"),
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

    private static string? Url(JsonElement element, string name, Context context)
    {
        var value = WithoutUserInfo(Text(element, name));
        return context.KeepQueryStrings ? value : WithoutQueryAndFragment(value);
    }

    /// <summary>
    /// Cuts the user info off a URL with an authority (<c>https://user:password@host/path</c> becomes
    /// <c>https://host/path</c>), whatever <see cref="CspReportOptions.KeepQueryStrings"/> says: it is a credential.
    /// </summary>
    internal static string? WithoutUserInfo(string? value)
    {
        if (value is null || !HasAuthorityOrIsPath(value))
        {
            return value;
        }

        // "scheme://authority..." or a scheme-relative "//authority..."; any other path has no authority.
        var start = value.StartsWith('/')
            ? (value.StartsWith("//", StringComparison.Ordinal) ? 2 : -1)
            : value.IndexOf("://", StringComparison.Ordinal) + 3;
        if (start < 0)
        {
            return value;
        }

        // The authority ends at the path, query or fragment; browsers treat a backslash as a slash.
        var end = value.AsSpan(start).IndexOfAny("/?#\\");
        var authority = end < 0 ? value.AsSpan(start) : value.AsSpan(start, end);
        var at = authority.LastIndexOf('@');
        return at < 0 ? value : string.Concat(value.AsSpan(0, start), value.AsSpan(start + at + 1));
    }

    /// <summary>
    /// Cuts the query string and fragment off a URL with an authority (<c>https://host/path?token=x</c>)
    /// or a path (<c>/reset?token=x</c>); keywords and opaque URLs (<c>inline</c>, <c>eval</c>,
    /// <c>data:...</c>, <c>blob:...</c>) are kept as sent.
    /// </summary>
    internal static string? WithoutQueryAndFragment(string? value)
    {
        if (value is null || !HasAuthorityOrIsPath(value))
        {
            return value;
        }

        var cut = value.AsSpan().IndexOfAny('?', '#');
        return cut < 0 ? value : value[..cut];
    }

    private static bool HasAuthorityOrIsPath(string value)
    {
        if (value.StartsWith('/'))
        {
            return true;
        }

        // scheme "://", where scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }

        foreach (var c in value.AsSpan(1, separator - 1))
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        return true;
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

using System.Globalization;

namespace Security.CrossOrigin.Internal;

/// <summary>Compares a browser's <c>Origin</c> header with the request's own scheme, host and port, without allocating.</summary>
internal static class RequestOrigin
{
    /// <summary>
    /// Whether <paramref name="origin"/> (<c>scheme://host[:port]</c>, as browsers serialize it) names the origin the
    /// request was sent to: same scheme, host (ignoring case) and port, a missing port meaning the scheme's default.
    /// </summary>
    /// <param name="origin">The <c>Origin</c> header, e.g. <c>https://example.com</c> or <c>http://[::1]:5000</c>.</param>
    /// <param name="scheme">The request's scheme (after forwarded headers), e.g. <c>https</c>.</param>
    /// <param name="host">The request's <c>Host</c> (after forwarded headers), e.g. <c>example.com:8443</c>.</param>
    public static bool IsSame(ReadOnlySpan<char> origin, string scheme, ReadOnlySpan<char> host)
    {
        var separator = origin.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !origin[..separator].Equals(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return TrySplit(origin[(separator + 3)..], scheme, out var originHost, out var originPort) &&
               TrySplit(host, scheme, out var requestHost, out var requestPort) &&
               originPort == requestPort &&
               originHost.Equals(requestHost, StringComparison.OrdinalIgnoreCase);
    }

    // "example.com", "example.com:8080", "[::1]:5000"; anything else (a path, user info, a bad port) fails.
    private static bool TrySplit(ReadOnlySpan<char> authority, string scheme, out ReadOnlySpan<char> host, out int port)
    {
        host = default;
        port = 0;
        ReadOnlySpan<char> portText;
        if (authority.StartsWith("["))
        {
            var end = authority.IndexOf(']');
            if (end < 0)
            {
                return false;
            }

            host = authority[..(end + 1)];
            var rest = authority[(end + 1)..];
            if (!rest.IsEmpty && rest[0] != ':')
            {
                return false;
            }

            portText = rest.IsEmpty ? default : rest[1..];
        }
        else
        {
            var colon = authority.IndexOf(':');
            host = colon < 0 ? authority : authority[..colon];
            portText = colon < 0 ? default : authority[(colon + 1)..];
        }

        if (host.IsEmpty || host.IndexOfAny("/?#@\\ ") >= 0)
        {
            return false;
        }

        if (portText.IsEmpty)
        {
            port = DefaultPort(scheme);
            return port > 0;
        }

        return int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
    }

    private static int DefaultPort(string scheme) =>
        scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 :
        scheme.Equals("http", StringComparison.OrdinalIgnoreCase) ? 80 : -1;

    /// <summary>
    /// The form a browser sends a configured origin in (<c>https://Example.com:443/</c> becomes <c>https://example.com</c>),
    /// or <see langword="null"/> with <paramref name="error"/> when it is not an http(s) origin.
    /// </summary>
    public static string? Normalize(string? value, out string error)
    {
        error = "";
        if (string.IsNullOrWhiteSpace(value) || !Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = "must be an http or https origin, e.g. https://app.example.com or http://localhost:5173";
            return null;
        }

        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 ||
            value.Contains('*', StringComparison.Ordinal) || value.TrimEnd().EndsWith('/'))
        {
            error = "must be scheme://host[:port] only: no path, trailing slash, query, user or wildcard";
            return null;
        }

        return uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant();
    }
}

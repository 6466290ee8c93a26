using System.Collections.Frozen;
using System.Reflection;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// The closed grammar of sources that text derived from a report may carry: <c>'self'</c>, or
/// <c>scheme://host[:port]</c> with scheme http, https, ws or wss, a DNS name of letters, digits, <c>-</c> and <c>.</c>
/// (punycode for international names), and a port only when it is not the scheme's default. A source is parsed from the
/// report's URL and written anew from its parts, never copied from the report's text; also the hosts that serve script
/// gadgets, and reading the host out of a policy's own source expression.
/// </summary>
internal static class CspSourceGrammar
{
    /// <summary>Hosts known to serve JSONP endpoints or script-gadget libraries (an embedded data list).</summary>
    public static readonly FrozenSet<string> GadgetHosts = ReadGadgetHosts();

    /// <summary>
    /// Writes the origin of <paramref name="url"/> as a source (<c>https://cdn.example.com:8443</c>), or returns false when
    /// the URL is not an absolute http(s)/ws(s) URL on a DNS name; <paramref name="host"/> is its host, lower-case.
    /// </summary>
    public static bool TryRenderOrigin(string? url, out string source, out string host, out bool isIpAddress)
    {
        source = host = "";
        isIpAddress = false;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            return false;
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            isIpAddress = true;
            return false;
        }

        host = uri.IdnHost.ToLowerInvariant();
        if (uri.HostNameType != UriHostNameType.Dns || !IsDnsName(host))
        {
            return false;
        }

        var defaultPort = uri.Scheme is "http" or "ws" ? 80 : 443;
        source = uri.Port == defaultPort || uri.Port < 0 ? $"{uri.Scheme}://{host}" : $"{uri.Scheme}://{host}:{uri.Port}";
        return true;
    }

    /// <summary>
    /// Whether a source may enter a suggestion: <c>'self'</c> or a rendered origin; never a keyword such as
    /// <c>'unsafe-inline'</c>, a wildcard, a bare scheme, or anything with a character that would end a source or directive.
    /// </summary>
    public static bool IsSuggestible(string source) =>
        source == "'self'" || (TryRenderOrigin(source, out var rendered, out _, out _) && rendered == source);

    /// <summary>
    /// The host a policy's own source expression names (<c>https://cdn.example.com/js/</c>, <c>cdn.example.com:443</c>,
    /// <c>*.example.com</c> give <c>cdn.example.com</c>, <c>cdn.example.com</c> and <c>example.com</c>), or null for a
    /// keyword, a bare scheme or <c>*</c>.
    /// </summary>
    public static string? HostOf(string source)
    {
        if (source.StartsWith('\'') || source == "*" || source.EndsWith(':'))
        {
            return null;
        }

        var text = source.AsSpan();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var end = text.IndexOfAny('/', '?', '#');
        text = end < 0 ? text : text[..end];
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            return close < 0 ? null : text[..(close + 1)].ToString().ToLowerInvariant();
        }

        var colon = text.IndexOf(':');
        text = colon < 0 ? text : text[..colon];
        if (text.StartsWith("*.", StringComparison.Ordinal))
        {
            text = text[2..];
        }

        return text.IsEmpty ? null : text.ToString().ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="host"/> is a gadget host or a subdomain of one.</summary>
    public static bool IsGadgetHost(string host)
    {
        for (var name = host; name.Length > 0; name = name.IndexOf('.', StringComparison.Ordinal) is var dot && dot >= 0 ? name[(dot + 1)..] : "")
        {
            if (GadgetHosts.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDnsName(string host)
    {
        if (host.Length is 0 or > 253 || host[0] is '.' or '-' || host[^1] is '.' or '-' || host.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static FrozenSet<string> ReadGadgetHosts()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Security.Csp.ScriptGadgetHosts.txt")
            ?? throw new InvalidOperationException("The embedded list of script-gadget hosts is missing.");
        using var reader = new StreamReader(stream);
        var hosts = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                hosts.Add(line.ToLowerInvariant());
            }
        }

        return hosts.ToFrozenSet(StringComparer.Ordinal);
    }
}

using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Security.Abstractions;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// Whether a report's document is one of the app's pages: on the host the report was sent to, or on one of
/// <see cref="CspReportOptions.AppOrigins"/>. A report about another site's page (a copied policy, or a forgery) says
/// nothing about this app's policy.
/// </summary>
internal sealed class CspAppOrigins
{
    private readonly FrozenSet<string> _origins;

    public CspAppOrigins(IEnumerable<string>? origins) =>
        _origins = (origins ?? []).Select(o => TryParse(o, out var uri) ? Key(uri) : null).OfType<string>().ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Reports every entry that is not an origin such as <c>https://www.example.com</c>.</summary>
    public static void Validate(string[]? origins, string path, OptionsValidationErrors errors)
    {
        if (origins is null)
        {
            return;
        }

        for (var i = 0; i < origins.Length; i++)
        {
            if (!TryParse(origins[i], out _))
            {
                errors.Add($"{path}[{i}]", $"'{origins[i]}' must be an http or https origin (scheme, host and optional port, no path or query), e.g. https://www.example.com.");
            }
        }
    }

    /// <param name="documentUri">The report's document URL.</param>
    /// <param name="requestHost">The <c>Host</c> the report was sent to.</param>
    public bool Contains(string? documentUri, HostString requestHost)
    {
        if (!Uri.TryCreate(documentUri, UriKind.Absolute, out var document) || document.Scheme is not ("http" or "https"))
        {
            return false;
        }

        // A proxy in front may change scheme and port: the page's host name must be the request's, on the request's
        // port when the Host header names one, else on its scheme's default port.
        if (requestHost.HasValue &&
            (string.Equals(document.Host, requestHost.Host, StringComparison.OrdinalIgnoreCase) ||
             string.Equals(document.IdnHost, requestHost.Host, StringComparison.OrdinalIgnoreCase)) &&
            (requestHost.Port is { } port ? document.Port == port : document.IsDefaultPort))
        {
            return true;
        }

        return _origins.Count > 0 && _origins.Contains(Key(document));
    }

    private static bool TryParse(string? origin, out Uri uri)
    {
        if (Uri.TryCreate(origin, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" &&
            parsed.UserInfo.Length == 0 && parsed.Host.Length > 0 && parsed.PathAndQuery == "/" && parsed.Fragment.Length == 0)
        {
            uri = parsed;
            return true;
        }

        uri = null!;
        return false;
    }

    private static string Key(Uri uri) => string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}");
}

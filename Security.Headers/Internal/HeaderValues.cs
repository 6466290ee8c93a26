using System.Globalization;
using System.Text;

namespace Security.Headers.Internal;

/// <summary>Parses configured values into header values; shared by the validator, the middleware and the attributes.</summary>
internal static class HeaderValues
{
    public const string Off = "off";

    public static readonly string[] FrameOptionsAllowed = ["deny", "sameorigin", "allow-from:<url>", Off];
    public static readonly string[] ReferrerPolicies =
    [
        "no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin",
        "strict-origin", "strict-origin-when-cross-origin", "unsafe-url",
    ];

    public static readonly string[] ReferrerPolicyAllowed = [.. ReferrerPolicies, "a comma-separated list of these", Off];
    public static readonly string[] ContentTypeOptionsAllowed = ["nosniff", Off];
    public static readonly string[] OpenerPolicyAllowed = ["same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none", Off];
    public static readonly string[] EmbedderPolicyAllowed = ["require-corp", "credentialless", "unsafe-none", Off];
    public static readonly string[] ResourcePolicyAllowed = ["same-origin", "same-site", "cross-origin", Off];
    public static readonly string[] OriginAgentClusterAllowed = ["?1", "?0", Off];
    public static readonly string[] DnsPrefetchControlAllowed = ["disabled", "enabled", Off];
    public static readonly string[] CrossDomainPoliciesAllowed = ["none", "master-only", "by-content-type", "by-ftp-filename", "all", "none-this-response", Off];

    // Canonical spellings: the spec's directives are case-sensitive, configuration is not.
    public static readonly string[] ClearSiteDataDirectives =
        ["cache", "cookies", "storage", "executionContexts", "clientHints", "prefetchCache", "prerenderCache", "*"];

    public static readonly string[] DefaultClearSiteDataDirectives = ["cookies", "storage"];

    public static bool IsOff(string? value) => string.Equals(value?.Trim(), Off, StringComparison.OrdinalIgnoreCase);

    /// <summary>A value from a fixed list, lower-cased; <see langword="null"/> header for <c>off</c>.</summary>
    public static bool TryToken(string? value, string[] allowed, out string? header)
    {
        header = null;
        if (value is null)
        {
            return false;
        }

        var trimmed = value.Trim();
        foreach (var candidate in allowed)
        {
            if (string.Equals(trimmed, candidate, StringComparison.OrdinalIgnoreCase))
            {
                header = IsOff(trimmed) ? null : candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>X-Frame-Options: <c>deny</c>, <c>sameorigin</c>, <c>allow-from:URL</c>, <c>off</c>.</summary>
    public static bool TryFrameOptions(string? value, out string? header)
    {
        header = null;
        if (value is null || !OptionsHeaderSafe(value))
        {
            return false;
        }

        var trimmed = value.Trim();
        if (trimmed.Equals("deny", StringComparison.OrdinalIgnoreCase))
        {
            header = "DENY";
            return true;
        }

        if (trimmed.Equals("sameorigin", StringComparison.OrdinalIgnoreCase))
        {
            header = "SAMEORIGIN";
            return true;
        }

        if (IsOff(trimmed))
        {
            return true;
        }

        const string AllowFrom = "allow-from:";
        if (trimmed.StartsWith(AllowFrom, StringComparison.OrdinalIgnoreCase))
        {
            var url = trimmed[AllowFrom.Length..].Trim();
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
                (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
                !url.Contains(' ', StringComparison.Ordinal) && !url.Contains(',', StringComparison.Ordinal))
            {
                header = "ALLOW-FROM " + url;
                return true;
            }
        }

        return false;
    }

    public static bool IsAllowFrom(string? header) => header is not null && header.StartsWith("ALLOW-FROM ", StringComparison.Ordinal);

    /// <summary>Referrer-Policy: one value, a comma-separated fallback list, or <c>off</c>.</summary>
    public static bool TryReferrerPolicy(string? value, out string? header)
    {
        header = null;
        if (value is null)
        {
            return false;
        }

        if (IsOff(value))
        {
            return true;
        }

        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var canonical = new string[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var match = Array.Find(ReferrerPolicies, p => p.Equals(parts[i], StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                return false;
            }

            canonical[i] = match;
        }

        header = string.Join(", ", canonical);
        return true;
    }

    /// <summary>Clear-Site-Data: each directive double-quoted, joined by <c>", "</c>; <see langword="null"/> when one is unknown.</summary>
    public static string? ClearSiteData(IEnumerable<string?> directives, List<string>? unknown = null)
    {
        var builder = new StringBuilder();
        var any = false;
        foreach (var directive in directives)
        {
            var match = Array.Find(ClearSiteDataDirectives, d => d.Equals(directive?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                unknown?.Add(directive ?? "(null)");
                continue;
            }

            builder.Append(any ? ", \"" : "\"").Append(match).Append('"');
            any = true;
        }

        if (unknown is { Count: > 0 })
        {
            return null;
        }

        return any ? builder.ToString() : ClearSiteData(DefaultClearSiteDataDirectives);
    }

    /// <summary>
    /// Permissions-Policy: the app's items as given, then, with <see cref="SecurityHeadersOptions.DenyUnlistedPermissions"/>,
    /// every catalogue feature they do not name; <see langword="null"/> for no header.
    /// </summary>
    public static string? PermissionsPolicy(SecurityHeadersOptions options)
    {
        var policy = options.PermissionsPolicy?.Trim() ?? "";
        if (IsOff(policy))
        {
            return null;
        }

        var items = new List<string>();
        if (policy.Length > 0)
        {
            items.Add(policy);
        }

        if (options.DenyUnlistedPermissions)
        {
            var named = PermissionsPolicySyntax.FeatureNames(policy).ToHashSet(StringComparer.Ordinal);
            var isolated = !IsOff(options.CrossOriginEmbedderPolicy);
            foreach (var feature in PermissionsPolicyFeatures.Denied)
            {
                if (!named.Contains(feature))
                {
                    // An app that turned on COEP wants cross-origin isolation: denying it here would undo that.
                    items.Add(feature + (isolated && feature == "cross-origin-isolated" ? "=(self)" : "=()"));
                }
            }

            items.AddRange(PermissionsPolicyFeatures.SelfOnly.Where(f => !named.Contains(f)).Select(f => f + "=(self)"));
        }

        return items.Count == 0 ? null : string.Join(", ", items);
    }

    public static string StrictTransportSecurity(StrictTransportSecurityOptions options)
    {
        var value = "max-age=" + ((long)options.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        if (options.IncludeSubDomains)
        {
            value += "; includeSubDomains";
        }

        if (options.Preload)
        {
            value += "; preload";
        }

        return value;
    }

    private static bool OptionsHeaderSafe(string value) => Security.Abstractions.OptionsValidationErrors.IsHeaderSafe(value);
}

using System.Collections.Frozen;
using Security.Abstractions;
using Security.Csp.Internal.Policy;

namespace Security.Csp.Internal.Dashboard;

/// <summary>
/// Says, for a group of violation reports, which source expression would allow what was blocked, written for the
/// directive the app's policy actually uses (browsers fall back from <c>script-src-elem</c> to <c>script-src</c> to
/// <c>default-src</c>, and so on), or why allowing it would be unsafe. Merges every safe answer into the policy.
/// </summary>
internal sealed class CspAllowAdvisor
{
    public const string InlineScriptAdvice = "Inline script: give the script element the page's nonce (or allow its hash); 'unsafe-inline' would allow injected scripts too.";
    public const string InlineStyleAdvice = "Inline style: give the style element the page's nonce (or allow its hash); 'unsafe-inline' would allow injected styles too.";
    public const string ScriptAttributeAdvice = "Inline event handler (onclick=...): move it into a script file with addEventListener; allowing it needs 'unsafe-hashes' or 'unsafe-inline'.";
    public const string StyleAttributeAdvice = "Style attribute: move it into a stylesheet or set it from script through element.style; allowing it needs 'unsafe-hashes' or 'unsafe-inline'.";
    public const string EvalAdvice = "eval(), new Function() or a string given to setTimeout: avoid them; 'unsafe-eval' would let injected text run as script.";
    public const string SchemeScriptAdvice = "A script from a data: or blob: URL: serve it as a file from an allowed origin; allowing the scheme would let injected markup run any script.";
    public const string ObjectAdvice = "Plugins (object, embed): keep object-src 'none'; nothing current needs them.";
    public const string StrictDynamicAdvice = "The policy uses 'strict-dynamic', which ignores host sources: load the script from a script that has the nonce, or give its script element the nonce.";
    public const string ExtensionAdvice = "Sent by a browser extension, not by the page: nothing to allow.";
    public const string TrustedTypesAdvice = "Trusted Types: pass the value through a Trusted Types policy instead of a string.";
    public const string UnknownAdvice = "The report does not say what was blocked precisely enough to allow it.";

    // Which directive governs a fetch when the policy lacks the effective one, in browser order.
    private static readonly FrozenDictionary<string, string[]> Fallbacks = new Dictionary<string, string[]>
    {
        ["script-src-elem"] = ["script-src-elem", "script-src", "default-src"],
        ["script-src-attr"] = ["script-src-attr", "script-src", "default-src"],
        ["script-src"] = ["script-src", "default-src"],
        ["style-src-elem"] = ["style-src-elem", "style-src", "default-src"],
        ["style-src-attr"] = ["style-src-attr", "style-src", "default-src"],
        ["style-src"] = ["style-src", "default-src"],
        ["worker-src"] = ["worker-src", "child-src", "script-src", "default-src"],
        ["frame-src"] = ["frame-src", "child-src", "default-src"],
        ["fenced-frame-src"] = ["fenced-frame-src", "frame-src", "child-src", "default-src"],
        ["child-src"] = ["child-src", "default-src"],
        ["img-src"] = ["img-src", "default-src"],
        ["font-src"] = ["font-src", "default-src"],
        ["connect-src"] = ["connect-src", "default-src"],
        ["media-src"] = ["media-src", "default-src"],
        ["object-src"] = ["object-src", "default-src"],
        ["manifest-src"] = ["manifest-src", "default-src"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ExtensionSchemes = new[]
    {
        "chrome-extension", "moz-extension", "safari-extension", "safari-web-extension", "ms-browser-extension",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly CspPolicyText? _policy;
    private readonly string _disposition;

    /// <param name="policy">The app's policy as header text (enforced when it enforces one, else its report-only policy).</param>
    /// <param name="disposition">The disposition of the reports that policy produces: <c>enforce</c> or <c>report</c>.</param>
    public CspAllowAdvisor(string? policy, string disposition)
    {
        _policy = string.IsNullOrWhiteSpace(policy) ? null : CspPolicyText.Parse(policy);
        _disposition = disposition;
    }

    /// <summary>Builds the advisor from the app's compiled default policy.</summary>
    public static CspAllowAdvisor For(CspPolicyProvider provider)
    {
        var policy = provider.Default.WithoutReports;
        return policy.Enforce is { } enforced
            ? new CspAllowAdvisor(enforced.ToString(), "enforce")
            : new CspAllowAdvisor(policy.ReportOnly?.ToString(), "report");
    }

    public CspAllowAdvice Advise(CspReportGroup group) => Advise(group.EffectiveDirective, group.BlockedUri, group.DocumentUri);

    public CspAllowAdvice Advise(string? effectiveDirective, string? blockedUri, string? documentUri)
    {
        // Older reports carry only the violated directive, sources and all ("script-src 'self'").
        var directive = effectiveDirective?.Trim().Split(' ', 2)[0].ToLowerInvariant();
        var blocked = blockedUri?.Trim();
        if (string.IsNullOrEmpty(directive) || string.IsNullOrEmpty(blocked))
        {
            return new(null, UnknownAdvice);
        }

        var isScript = directive.StartsWith("script-src", StringComparison.Ordinal) || directive == "worker-src";
        var isStyle = directive.StartsWith("style-src", StringComparison.Ordinal);
        switch (blocked.ToLowerInvariant())
        {
            case "inline":
                return new(null, directive switch
                {
                    "script-src-attr" => ScriptAttributeAdvice,
                    "style-src-attr" => StyleAttributeAdvice,
                    _ when isStyle => InlineStyleAdvice,
                    _ => InlineScriptAdvice,
                });
            case "eval":
                return new(null, EvalAdvice);
            case "wasm-eval":
                return Allow(directive, "'wasm-unsafe-eval'");
            case "trusted-types-policy" or "trusted-types-sink":
                return new(null, TrustedTypesAdvice);
            case "self":
                return Allow(directive, "'self'");
        }

        if (directive == "object-src")
        {
            return new(null, ObjectAdvice);
        }

        // Chromium reports "data" and "blob"; Firefox may send the whole URL.
        var scheme = SchemeOf(blocked);
        if (scheme is "data" or "blob" or "filesystem")
        {
            if (isScript)
            {
                return new(null, SchemeScriptAdvice);
            }

            // default-src also governs scripts when the policy has no script-src: the scheme would reach them too.
            var governing = Governing(directive);
            return governing == "default-src" && !(_policy?.Declares("script-src") ?? false)
                ? new(null, $"Add the directive {directive} with {scheme}: and the sources of default-src: in default-src, {scheme}: would allow scripts too.")
                : Allow(directive, scheme + ":");
        }

        if (scheme is not null && ExtensionSchemes.Contains(scheme))
        {
            return new(null, ExtensionAdvice);
        }

        if (!Uri.TryCreate(blocked, UriKind.Absolute, out var uri) || uri.Host.Length == 0 ||
            uri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            return new(null, UnknownAdvice);
        }

        var used = Governing(directive);
        if (isScript && (Sources(used)?.Contains("'strict-dynamic'", StringComparer.OrdinalIgnoreCase) ?? false))
        {
            return new(null, StrictDynamicAdvice);
        }

        return Allow(directive, IsSameOrigin(uri, documentUri) ? "'self'" : Origin(uri));
    }

    /// <summary>
    /// The policy with the <c>allow</c> of every group of the policy's own disposition merged in, or
    /// <see langword="null"/> when the app has no policy to start from.
    /// </summary>
    public CspPolicyText? Suggest(IEnumerable<CspReportGroup> groups)
    {
        if (_policy is null)
        {
            return null;
        }

        var suggested = _policy.Clone();
        foreach (var group in groups)
        {
            if ((group.Disposition is null || string.Equals(group.Disposition, _disposition, StringComparison.OrdinalIgnoreCase)) &&
                Advise(group).Allow is { } allow)
            {
                var space = allow.IndexOf(' ', StringComparison.Ordinal);
                suggested.Add(allow[..space], allow[(space + 1)..]);
            }
        }

        return suggested;
    }

    private CspAllowAdvice Allow(string directive, string source) => new($"{Governing(directive)} {source}", null);

    // The first directive of the fallback chain the policy declares; the effective one itself when it declares none.
    private string Governing(string directive)
    {
        if (_policy is not null && Fallbacks.TryGetValue(directive, out var chain))
        {
            foreach (var candidate in chain)
            {
                if (_policy.Declares(candidate))
                {
                    return candidate;
                }
            }
        }

        return directive;
    }

    private IReadOnlyList<string>? Sources(string directive) => _policy?.Sources(directive);

    private static string? SchemeOf(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') ? value.ToLowerInvariant() : null;
        }

        var scheme = value[..colon];
        return scheme.Length > 0 && scheme.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.') ? scheme.ToLowerInvariant() : null;
    }

    private static bool IsSameOrigin(Uri blocked, string? documentUri)
    {
        if (!Uri.TryCreate(documentUri, UriKind.Absolute, out var document) ||
            !string.Equals(blocked.Host, document.Host, StringComparison.OrdinalIgnoreCase) ||
            Port(blocked) != Port(document))
        {
            return false;
        }

        // 'self' also matches the secure upgrade of the page's scheme, and WebSockets to the same host.
        return (blocked.Scheme, document.Scheme) switch
        {
            var (b, d) when b == d => true,
            ("https", "http") or ("wss", "https") or ("ws", "http") or ("wss", "http") => true,
            _ => false,
        };
    }

    private static int Port(Uri uri) => uri.IsDefaultPort ? (uri.Scheme is "http" or "ws" ? 80 : 443) : uri.Port;

    private static string Origin(Uri uri) =>
        uri.IsDefaultPort || Port(uri) == (uri.Scheme is "http" or "ws" ? 80 : 443)
            ? $"{uri.Scheme}://{uri.IdnHost}"
            : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
}

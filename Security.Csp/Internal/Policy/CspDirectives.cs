using System.Collections.Frozen;

namespace Security.Csp.Internal.Policy;

/// <summary>The directives we accept and how their values are checked.</summary>
internal static class CspDirectives
{
    public static readonly FrozenDictionary<string, CspDirectiveInfo> All = new Dictionary<string, CspDirectiveInfo>
    {
        ["default-src"] = new(CspSourceListValues.Instance),
        ["script-src"] = new(CspSourceListValues.Instance),
        ["script-src-elem"] = new(CspSourceListValues.Instance),
        ["script-src-attr"] = new(CspSourceListValues.Instance),
        ["style-src"] = new(CspSourceListValues.Instance),
        ["style-src-elem"] = new(CspSourceListValues.Instance),
        ["style-src-attr"] = new(CspSourceListValues.Instance),
        ["img-src"] = new(CspSourceListValues.Instance),
        ["font-src"] = new(CspSourceListValues.Instance),
        ["connect-src"] = new(CspSourceListValues.Instance),
        ["media-src"] = new(CspSourceListValues.Instance),
        ["object-src"] = new(CspSourceListValues.Instance),
        ["frame-src"] = new(CspSourceListValues.Instance),
        ["child-src"] = new(CspSourceListValues.Instance),
        ["worker-src"] = new(CspSourceListValues.Instance),
        ["manifest-src"] = new(CspSourceListValues.Instance),
        ["fenced-frame-src"] = new(CspSourceListValues.Instance),
        ["base-uri"] = new(CspSourceListValues.Instance),
        ["form-action"] = new(CspSourceListValues.Instance),
        ["frame-ancestors"] = new(CspSourceListValues.Instance),
        ["sandbox"] = new(CspSandboxValues.Instance),
        ["upgrade-insecure-requests"] = new(CspNoValue.Instance),
        ["report-uri"] = new(CspReportUriValue.Instance),
        ["report-to"] = new(CspReportToValue.Instance),
        ["require-trusted-types-for"] = new(new CspOneOfValue(["script"], quoted: true)),
        ["trusted-types"] = new(CspTokenListValues.Instance),

        // Obsolete: still accepted, with a startup warning, so a configuration written for older browsers starts.
        ["referrer"] = new(
            new CspOneOfValue(["none", "none-when-downgrade", "origin", "origin-when-cross-origin", "unsafe-url"]),
            "use the Referrer-Policy header instead"),
        ["reflected-xss"] = new(new CspOneOfValue(["allow", "block", "filter"]), "browsers removed their XSS auditors; rely on script-src instead"),
        ["block-all-mixed-content"] = new(CspNoValue.Instance, "browsers block mixed content already; use upgrade-insecure-requests"),
        ["plugin-types"] = new(CspTokenListValues.Instance, "plugins are gone; use object-src 'none'"),
        ["prefetch-src"] = new(CspSourceListValues.Instance, "removed from CSP; default-src no longer governs prefetch"),
        ["navigate-to"] = new(CspSourceListValues.Instance, "removed from CSP and never shipped by browsers"),
        ["require-sri-for"] = new(CspTokenListValues.Instance, "removed from CSP; use integrity attributes"),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenSet<string> Keywords = new[]
    {
        "self", "none", "unsafe-inline", "unsafe-eval", "strict-dynamic", "unsafe-hashes", "report-sample",
        "wasm-unsafe-eval", "unsafe-allow-redirects", "inline-speculation-rules",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static readonly FrozenSet<string> SandboxTokens = new[]
    {
        "allow-downloads", "allow-forms", "allow-modals", "allow-orientation-lock", "allow-pointer-lock",
        "allow-popups", "allow-popups-to-escape-sandbox", "allow-presentation", "allow-same-origin",
        "allow-scripts", "allow-storage-access-by-user-activation", "allow-top-navigation",
        "allow-top-navigation-by-user-activation", "allow-top-navigation-to-custom-protocols",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>The bare source that stands for the per-request nonce.</summary>
    public const string NonceSource = "nonce";
}

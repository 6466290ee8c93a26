using System.Collections.Frozen;

namespace Security.Csp.Policy;

/// <summary>The directives we accept and how their values are checked.</summary>
internal static class CspDirectives
{
    public static readonly FrozenDictionary<string, CspDirectiveInfo> All = new Dictionary<string, CspDirectiveInfo>
    {
        ["default-src"] = new(CspDirectiveKind.SourceList),
        ["script-src"] = new(CspDirectiveKind.SourceList),
        ["script-src-elem"] = new(CspDirectiveKind.SourceList),
        ["script-src-attr"] = new(CspDirectiveKind.SourceList),
        ["style-src"] = new(CspDirectiveKind.SourceList),
        ["style-src-elem"] = new(CspDirectiveKind.SourceList),
        ["style-src-attr"] = new(CspDirectiveKind.SourceList),
        ["img-src"] = new(CspDirectiveKind.SourceList),
        ["font-src"] = new(CspDirectiveKind.SourceList),
        ["connect-src"] = new(CspDirectiveKind.SourceList),
        ["media-src"] = new(CspDirectiveKind.SourceList),
        ["object-src"] = new(CspDirectiveKind.SourceList),
        ["frame-src"] = new(CspDirectiveKind.SourceList),
        ["child-src"] = new(CspDirectiveKind.SourceList),
        ["worker-src"] = new(CspDirectiveKind.SourceList),
        ["manifest-src"] = new(CspDirectiveKind.SourceList),
        ["fenced-frame-src"] = new(CspDirectiveKind.SourceList),
        ["base-uri"] = new(CspDirectiveKind.SourceList),
        ["form-action"] = new(CspDirectiveKind.SourceList),
        ["frame-ancestors"] = new(CspDirectiveKind.SourceList),
        ["sandbox"] = new(CspDirectiveKind.Sandbox),
        ["upgrade-insecure-requests"] = new(CspDirectiveKind.NoValue),
        ["report-uri"] = new(CspDirectiveKind.ReportUri),
        ["report-to"] = new(CspDirectiveKind.ReportTo),
        ["require-trusted-types-for"] = new(CspDirectiveKind.OneOf, Allowed: ["script"]),
        ["trusted-types"] = new(CspDirectiveKind.TokenList),

        // Obsolete: accepted for parity with the original, with a startup warning.
        ["referrer"] = new(CspDirectiveKind.OneOf, "use the Referrer-Policy header instead",
            ["none", "none-when-downgrade", "origin", "origin-when-cross-origin", "unsafe-url"]),
        ["reflected-xss"] = new(CspDirectiveKind.OneOf, "browsers removed their XSS auditors; rely on script-src instead",
            ["allow", "block", "filter"]),
        ["block-all-mixed-content"] = new(CspDirectiveKind.NoValue, "browsers block mixed content already; use upgrade-insecure-requests"),
        ["plugin-types"] = new(CspDirectiveKind.TokenList, "plugins are gone; use object-src 'none'"),
        ["prefetch-src"] = new(CspDirectiveKind.SourceList, "removed from CSP; default-src no longer governs prefetch"),
        ["navigate-to"] = new(CspDirectiveKind.SourceList, "removed from CSP and never shipped by browsers"),
        ["require-sri-for"] = new(CspDirectiveKind.TokenList, "removed from CSP; use integrity attributes"),
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

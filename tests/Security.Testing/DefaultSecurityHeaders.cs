namespace Security.Testing;

/// <summary>
/// The headers <c>UseSecurityHeaders()</c> sends on every response when nothing is configured
/// (Strict-Transport-Security aside: HTTPS only), as the Security.Headers issue specifies them.
/// </summary>
public static class DefaultSecurityHeaders
{
    /// <summary>Name and exact value of each default header.</summary>
    public static IReadOnlyList<(string Name, string Value)> All { get; } =
    [
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
        ("X-Permitted-Cross-Domain-Policies", "none"),
        ("Origin-Agent-Cluster", "?1"),
        ("X-DNS-Prefetch-Control", "off"),
    ];
}

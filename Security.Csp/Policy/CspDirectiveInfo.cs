namespace Security.Csp.Policy;

internal sealed record CspDirectiveInfo(CspDirectiveKind Kind, string? ObsoleteAdvice = null, string[]? Allowed = null);

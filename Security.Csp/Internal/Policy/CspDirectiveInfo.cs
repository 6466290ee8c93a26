namespace Security.Csp.Internal.Policy;

/// <summary>How a known directive's values are checked and written, and why it is obsolete, if it is.</summary>
internal sealed record CspDirectiveInfo(CspDirectiveValueParser Values, string? ObsoleteAdvice = null);

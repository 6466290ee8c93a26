namespace Security.Csp.Internal.Dashboard;

/// <summary>What would allow a group of violations: <paramref name="Allow"/> (e.g. <c>img-src https://cdn.example.com</c>) or, when that would be unsafe or impossible, <paramref name="Advice"/>.</summary>
internal sealed record CspAllowAdvice(string? Allow, string? Advice);

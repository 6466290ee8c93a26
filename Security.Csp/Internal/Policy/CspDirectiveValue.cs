namespace Security.Csp.Internal.Policy;

/// <summary>
/// One validated directive: its name and rendered values, where a <see langword="null"/> value is the
/// per-request nonce. A raw policy string is one entry with <see cref="IsRaw"/> set.
/// </summary>
internal sealed record CspDirectiveValue(string Name, List<string?> Values, bool IsRaw = false);

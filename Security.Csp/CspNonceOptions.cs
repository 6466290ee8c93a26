namespace Security.Csp;

/// <summary>
/// Per-request nonce settings of one policy (<c>Security:Csp:Nonce</c>).
/// </summary>
public sealed class CspNonceOptions
{
    /// <summary>
    /// Whether a fresh 128-bit random nonce (<c>'nonce-...'</c>) is added to <see cref="Directives"/> on
    /// every response that asks for one with <c>HttpContext.GetCspNonce()</c> or <c>&lt;script asp-add-nonce&gt;</c>;
    /// a response that never asks carries the policy without it. Default <see langword="false"/>.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The directives that receive the nonce; <see langword="null"/> (the default) means
    /// <c>script-src</c> and <c>style-src</c>. A directive absent from the policy is created from
    /// <c>default-src</c>'s sources so the policy's meaning is kept.
    /// </summary>
    public string[]? Directives { get; set; }
}

using Security.Csp.Internal;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the per-request CSP nonce.</summary>
public static class CspHttpContextExtensions
{
    /// <summary>
    /// The request's CSP nonce (128 random bits, base64), the same value the <c>Content-Security-Policy</c>
    /// header carries as <c>'nonce-…'</c>. Created on first call, which must come before the response starts
    /// (a response that never calls it carries the policy without a nonce source); write it as
    /// <c>nonce="@nonce"</c> on inline <c>&lt;script&gt;</c> and <c>&lt;style&gt;</c> elements. A response that
    /// called it is not stored by output caching.
    /// </summary>
    /// <exception cref="InvalidOperationException">In Development, when first called after the response started
    /// (elsewhere a warning is logged instead).</exception>
    /// <param name="context">The current request.</param>
    /// <returns>The nonce, e.g. <c>q2Vx4mJ0p8yYc8v1Zr3k9w==</c>.</returns>
    public static string GetCspNonce(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CspNonce.GetOrCreate(context);
    }
}

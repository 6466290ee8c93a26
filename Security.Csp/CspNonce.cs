using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Security.Csp;

/// <summary>The per-request nonce: created on first use, kept in the request's features.</summary>
internal static class CspNonce
{
    /// <summary>128 bits, the minimum CSP3 recommends.</summary>
    public const int ByteLength = 16;

    public static string GetOrCreate(HttpContext context)
    {
        // Stored as the plain string under a private key type: no feature object to allocate.
        if (context.Features[typeof(CspNonceKey)] is string nonce)
        {
            return nonce;
        }

        Span<byte> bytes = stackalloc byte[ByteLength];
        RandomNumberGenerator.Fill(bytes);
        nonce = Convert.ToBase64String(bytes);
        context.Features[typeof(CspNonceKey)] = nonce;
        return nonce;
    }

    private sealed class CspNonceKey;
}

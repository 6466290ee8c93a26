using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Net.Http.Headers;

namespace Security.Csp.Internal;

/// <summary>
/// The per-request nonce: created on first use, kept in the request's features. A response that never asks for one
/// carries its policy without a nonce source, and one that asks is never stored by output caching nor by a shared cache.
/// </summary>
internal static class CspNonce
{
    /// <summary>128 bits, the minimum CSP3 recommends.</summary>
    public const int ByteLength = 16;

    /// <summary>Nonces drawn per call to the system CSPRNG.</summary>
    /// <remarks>
    /// Each <see cref="RandomNumberGenerator"/> call has a fixed cost of about a microsecond, which was
    /// nearly all of a nonce policy's cost; 64 nonces per call spread it to tens of nanoseconds
    /// for 1 KiB per thread.
    /// </remarks>
    internal const int NoncesPerBlock = 64;

    private const int BlockLength = ByteLength * NoncesPerBlock;

    // One block per thread, so no lock and no two callers ever read the same bytes; the draw below is
    // synchronous, so an await cannot move a caller to another thread between reading and advancing.
    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_used;

    public static string GetOrCreate(HttpContext context)
    {
        // Stored as the plain string under a private key type: no feature object to allocate.
        var state = context.Features[typeof(CspNonceKey)];
        if (state is string nonce)
        {
            return nonce;
        }

        // The header already went out without a nonce.
        (state as CspLateNonce)?.Report(context);

        nonce = Create();
        context.Features[typeof(CspNonceKey)] = nonce;

        // A nonce served twice is no nonce: a cached copy would hand every visitor the same one.
        if (context.Features.Get<IOutputCacheFeature>() is { } outputCache)
        {
            outputCache.Context.AllowCacheStorage = false;
        }

        KeepOutOfSharedCaches(context.Response);
        return nonce;
    }

    /// <summary>
    /// Turns <c>public</c> and <c>s-maxage</c> into <c>private</c> on a nonced response, so response caching
    /// (<c>UseResponseCaching</c>), CDNs and proxies do not hand one nonce to every visitor; the visitor's own browser
    /// may still keep the page for its <c>max-age</c>. Runs when the nonce is drawn (before response caching decides)
    /// and again as the headers go out (for a page that set its caching later).
    /// </summary>
    public static void KeepOutOfSharedCaches(HttpResponse response)
    {
        var value = response.Headers.CacheControl;
        if (value.Count == 0 || response.HasStarted || !CacheControlHeaderValue.TryParse(value.ToString(), out var cacheControl) ||
            (!cacheControl.Public && cacheControl.SharedMaxAge is null))
        {
            return;
        }

        cacheControl.Public = false;
        cacheControl.SharedMaxAge = null;
        cacheControl.Private = true;
        response.Headers.CacheControl = cacheControl.ToString();
    }

    /// <summary>
    /// For the headers, as the response starts: the nonce drawn so far, or <see langword="null"/> when none was, and
    /// then <paramref name="late"/> stands in its place so a nonce asked for later is reported.
    /// </summary>
    public static string? ForHeaders(HttpContext context, CspLateNonce late)
    {
        if (context.Features[typeof(CspNonceKey)] is string nonce)
        {
            return nonce;
        }

        context.Features[typeof(CspNonceKey)] = late;
        return null;
    }

    /// <summary>A fresh nonce: 16 bytes never handed out before, as base64 (24 characters, one allocation).</summary>
    internal static string Create()
    {
        var block = t_block;
        var used = t_used;
        if (block is null)
        {
            block = t_block = new byte[BlockLength];
            used = BlockLength;
        }

        if (used == BlockLength)
        {
            RandomNumberGenerator.Fill(block);
            used = 0;
        }

        var bytes = block.AsSpan(used, ByteLength);
        t_used = used + ByteLength;
        var text = Convert.ToBase64String(bytes);

        // A used nonce stays in memory only inside its response, never in the block.
        bytes.Clear();
        return text;
    }

    private sealed class CspNonceKey;
}

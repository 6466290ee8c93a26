using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Auth.Internal;

/// <summary>
/// Turns a typed user name into its counter key: normalized as the app's user lookup normalizes it, so every
/// spelling of one account shares one counter, then hashed with a secret key, so a leaked counter table does not
/// list what people typed.
/// </summary>
internal sealed class LoginThrottlingKeys
{
    private readonly byte[] _key;

    public LoginThrottlingKeys(IOptions<LoginThrottlingOptions> options)
    {
        _key = options.Value.UsernameHashKey is { } secret
            ? Encoding.UTF8.GetBytes(secret)
            : RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>
    /// The name as Identity's <see cref="ILookupNormalizer"/> normalizes it when registered, else Unicode NFC then
    /// upper-invariant (Identity's default); <see langword="null"/> when the text is not valid Unicode.
    /// </summary>
    public static string? Normalize(HttpContext context, string trimmed)
    {
        try
        {
            return context.RequestServices.GetService<ILookupNormalizer>()?.NormalizeName(trimmed)
                ?? trimmed.Normalize(NormalizationForm.FormC).ToUpperInvariant();
        }
        catch (ArgumentException)
        {
            // A lone surrogate: no user can have this name, and the app's own lookup would throw on it.
            return null;
        }
    }

    public string User(string normalized)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(normalized), hash);
        return "user:" + Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    // The connection's address, which UseForwardedHeaders() rewrites when the app uses it.
    public static string Ip(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "ip:unknown",
        { IsIPv4MappedToIPv6: true } mapped => "ip:" + mapped.MapToIPv4(),
        var address => "ip:" + address,
    };
}

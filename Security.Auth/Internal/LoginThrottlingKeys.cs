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

    /// <summary>The key of a user name as typed (trimmed and normalized), for names Identity does not know.</summary>
    public string User(string normalized) => Hashed(normalized);

    /// <summary>
    /// The key of the user Identity found, by its id: every name and email that finds this user shares it. The
    /// NUL cannot be typed into a login form, so no typed name shares a key with an id.
    /// </summary>
    public string UserId(string userId) => Hashed("\0id:" + userId);

    /// <summary>The key of a user's two-factor codes (authenticator, provider and recovery codes).</summary>
    public string TwoFactor(string userId) => Hashed("\02fa:" + userId);

    private string Hashed(string text)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text), hash);
        return "user:" + Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    // The connection's address, which UseForwardedHeaders() rewrites when the app uses it.
    public static string Ip(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "ip:unknown",
        { IsIPv4MappedToIPv6: true } mapped => "ip:" + mapped.MapToIPv4(),
        var address => "ip:" + address,
    };

    /// <summary>
    /// The client a spraying budget is kept for: an IPv4 address, or the /64 network of an IPv6 address (one
    /// subscriber usually holds a whole /64, so counting single IPv6 addresses would give an attacker billions of
    /// budgets).
    /// </summary>
    public static string Client(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "client:unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return "client:" + address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return "client:" + new System.Net.IPAddress(bytes) + "/64";
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Security.Sessions.Internal;

/// <summary>
/// ASP.NET Core session middleware's cookie, which it keeps internal and offers no API to issue: the session key is a
/// GUID string (36 characters), protected by the data protector of purpose <c>SessionMiddleware</c> and written as
/// base64 without padding; a response that sets the cookie is marked uncacheable. This is the one copy of that format;
/// the tests build cookies with the real middleware and fail when it changes.
/// </summary>
internal sealed class SessionCookieFormat(IDataProtectionProvider dataProtection)
{
    private const string ProtectorPurpose = "SessionMiddleware";
    private const int KeyLength = 36;

    private readonly IDataProtector _protector = dataProtection.CreateProtector(ProtectorPurpose);

    /// <summary>A new random session key, as the middleware makes one.</summary>
    public static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new Guid(bytes).ToString();
    }

    /// <summary>The cookie value for <paramref name="key"/>.</summary>
    public string Protect(string key) => Convert.ToBase64String(_protector.Protect(Encoding.UTF8.GetBytes(key))).TrimEnd('=');

    /// <summary>The session key in a cookie value, or <see langword="null"/> where the middleware would not accept it.</summary>
    public string? Unprotect(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var padded = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
        var bytes = new byte[padded.Length * 3 / 4];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return null;
        }

        try
        {
            var key = Encoding.UTF8.GetString(_protector.Unprotect(bytes.AsSpan(0, written).ToArray()));
            return key.Length == KeyLength ? key : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>As the middleware does for a new session cookie: no cache may keep a response that sets one.</summary>
    public static void MarkUncacheable(HttpResponse response)
    {
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "-1";
    }
}

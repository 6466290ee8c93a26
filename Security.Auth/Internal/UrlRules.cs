using System.Text;
using Security.Abstractions;

namespace Security.Auth.Internal;

/// <summary>URL checks and encodings shared by the Security.Auth middleware.</summary>
internal static class UrlRules
{
    /// <summary>A login or change-password URL: a local path, or an absolute http(s) URL.</summary>
    public static bool RequireLoginUrl(OptionsValidationErrors errors, string option, string value)
    {
        if (IsAbsoluteHttpUrl(value) && OptionsValidationErrors.IsHeaderSafe(value))
        {
            return true;
        }

        return errors.RequireLocalPath(option, value);
    }

    public static bool IsAbsoluteHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
        !value.Contains('\\', StringComparison.Ordinal);

    public static bool IsQueryName(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The path part of a login URL: itself when local, the absolute URL's path otherwise.</summary>
    public static string PathOf(string url)
    {
        if (IsAbsoluteHttpUrl(url))
        {
            return new Uri(url).AbsolutePath;
        }

        var end = url.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? url : url[..end];
    }

    /// <summary>
    /// Makes a decoded request path safe to hand back as a return URL: every leading run of slashes,
    /// backslashes, whitespace and control characters becomes one <c>/</c>, and control characters
    /// are dropped everywhere, because browsers read <c>//host</c>, <c>/\host</c> and <c>/\t/host</c>
    /// as another site.
    /// </summary>
    public static string LocalPath(string path)
    {
        var start = 0;
        while (start < path.Length && (path[start] is '/' or '\\' || char.IsWhiteSpace(path[start]) || char.IsControl(path[start])))
        {
            start++;
        }

        var builder = new StringBuilder(path.Length - start + 1).Append('/');
        for (var i = start; i < path.Length; i++)
        {
            if (!char.IsControl(path[i]))
            {
                builder.Append(path[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>Python's <c>urllib.parse.quote(value, safe="/")</c>: UTF-8 percent-encoding keeping unreserved characters and <c>/</c>.</summary>
    public static void Quote(StringBuilder builder, string value) => Encode(builder, value, keepSlash: true, spaceAsPlus: false);

    /// <summary>Python's <c>urllib.parse.quote_plus(value)</c>: like <see cref="Quote"/> but <c>/</c> is encoded and a space becomes <c>+</c>.</summary>
    public static void QuotePlus(StringBuilder builder, string value) => Encode(builder, value, keepSlash: false, spaceAsPlus: true);

    private static void Encode(StringBuilder builder, string value, bool keepSlash, bool spaceAsPlus)
    {
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '~' || (keepSlash && c == '/'))
            {
                builder.Append(c);
                continue;
            }

            if (spaceAsPlus && c == ' ')
            {
                builder.Append('+');
                continue;
            }

            int count;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                count = new Rune(c, value[i + 1]).EncodeToUtf8(bytes);
                i++;
            }
            else
            {
                // A lone surrogate is not valid UTF-16: encode U+FFFD as Python's 'replace' would.
                count = (Rune.TryCreate(c, out var rune) ? rune : Rune.ReplacementChar).EncodeToUtf8(bytes);
            }

            for (var b = 0; b < count; b++)
            {
                builder.Append('%').Append(HexUpper[bytes[b] >> 4]).Append(HexUpper[bytes[b] & 0xF]);
            }
        }
    }

    private const string HexUpper = "0123456789ABCDEF";
}

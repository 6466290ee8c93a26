using System.Buffers;
using System.Globalization;
using System.Text;

namespace Security.Shared;

/// <summary>
/// Makes attacker-controlled text safe for a log line: control characters (C0, DEL, C1), the Unicode line and
/// paragraph separators, lone surrogates and the backslash become visible escapes (<c>\r</c>, <c>\n</c>,
/// <c>\u001B</c>, <c>\\</c>), so a value cannot forge log entries or send terminal escape sequences.
/// </summary>
/// <remarks>Compiled into each package that uses it (see docs/conventions.md).</remarks>
internal static class LogText
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)) + "\u2028\u2029\\");

    /// <summary>
    /// The value itself when it has nothing to escape and fits (no allocation), else an escaped copy cut to
    /// <paramref name="maxLength"/> characters of input, with <c>…</c> when cut.
    /// </summary>
    public static string? Escape(string? value, int maxLength = int.MaxValue)
    {
        if (value is null)
        {
            return null;
        }

        var cut = value.Length > maxLength;
        var text = cut ? value.AsSpan(0, maxLength) : value.AsSpan();
        var first = IndexOfUnsafe(text);
        if (first < 0 && !cut)
        {
            return value;
        }

        var builder = new StringBuilder(text.Length + 16);
        if (first < 0)
        {
            return builder.Append(text).Append('…').ToString();
        }

        builder.Append(text[..first]);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }

            _ = c switch
            {
                '\\' => builder.Append(@"\\"),
                '\r' => builder.Append(@"\r"),
                '\n' => builder.Append(@"\n"),
                '\t' => builder.Append(@"\t"),
                _ when Unsafe.Contains(c) || char.IsSurrogate(c) => builder.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return cut ? builder.Append('…').ToString() : builder.ToString();
    }

    private static int IndexOfUnsafe(ReadOnlySpan<char> text)
    {
        var first = text.IndexOfAny(Unsafe);
        var surrogate = text.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (surrogate >= 0)
        {
            // Paired surrogates are fine, but the escaping loop walks them; start it at the first one.
            first = first < 0 ? surrogate : Math.Min(first, surrogate);
        }

        return first;
    }
}

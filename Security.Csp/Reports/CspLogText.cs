using System.Buffers;
using System.Globalization;
using System.Text;

namespace Security.Csp.Reports;

/// <summary>
/// Makes report values safe for a log line: CR, LF and every other C0/C1 control character (and the
/// Unicode line and paragraph separators) become visible escapes such as <c>\r</c>, <c>\n</c> or
/// <c>\u001B</c>, so a report cannot forge log entries or send terminal escape sequences.
/// </summary>
internal static class CspLogText
{
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)) + "\u2028\u2029");

    /// <summary>The value itself when it has nothing to escape (no allocation), else an escaped copy.</summary>
    public static string? Escape(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var first = value.AsSpan().IndexOfAny(Unsafe);
        if (first < 0)
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 16).Append(value, 0, first);
        foreach (var c in value.AsSpan(first))
        {
            _ = c switch
            {
                '\r' => builder.Append("\\r"),
                '\n' => builder.Append("\\n"),
                '\t' => builder.Append("\\t"),
                _ when Unsafe.Contains(c) => builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.ToString();
    }
}

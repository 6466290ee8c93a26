using System.Globalization;
using System.Text;

namespace Security.Auth;

/// <summary>Makes user input safe for a log line.</summary>
internal static class LogText
{
    /// <summary>The most characters of a user name written to a log.</summary>
    public const int MaxUsernameLength = 64;

    /// <summary>
    /// Escapes control characters and backslashes (<c>\r</c>, <c>\n</c>, <c>\u001b</c>) so a typed name cannot forge
    /// log lines or terminal escapes, and cuts it to <paramref name="max"/> characters with <c>…</c>.
    /// </summary>
    public static string Escape(string? value, int max = MaxUsernameLength)
    {
        if (value is null)
        {
            return "(none)";
        }

        var cut = value.Length > max;
        var text = cut ? value.AsSpan(0, max) : value.AsSpan();
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
                continue;
            }

            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\t': builder.Append(@"\t"); break;
                default:
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029')
                    {
                        builder.Append(@"\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return cut ? builder.Append('…').ToString() : builder.ToString();
    }
}

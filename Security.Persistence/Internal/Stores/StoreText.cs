using System.Text;

namespace Security.Persistence.Internal.Stores;

/// <summary>
/// Makes text storable in PostgreSQL <c>text</c> (and valid UTF-8 for SQLite): PostgreSQL refuses NUL
/// characters and Npgsql's strict UTF-8 encoder refuses half surrogate pairs, either of which would fail a row.
/// </summary>
internal static class StoreText
{
    public static bool IsStorable(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Drops NUL characters and replaces half surrogate pairs with U+FFFD; returns the value itself when it is fine.</summary>
    public static string? Clean(string? value)
    {
        if (value is null || IsStorable(value))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0')
            {
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else
            {
                builder.Append(char.IsSurrogate(c) ? '\uFFFD' : c);
            }
        }

        return builder.ToString();
    }
}

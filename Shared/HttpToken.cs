namespace Security.Shared;

/// <summary>The HTTP <c>token</c> grammar (RFC 9110, section 5.6.2), e.g. for a header field name.</summary>
/// <remarks>Compiled into each package that uses it (see docs/conventions.md).</remarks>
internal static class HttpToken
{
    /// <summary>Whether <paramref name="value"/> is a non-empty token: letters, digits and <c>!#$%&amp;'*+-.^_`|~</c>.</summary>
    public static bool IsToken(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && "!#$%&'*+-.^_`|~".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return true;
    }
}

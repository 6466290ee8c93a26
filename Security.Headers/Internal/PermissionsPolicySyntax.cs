namespace Security.Headers.Internal;

/// <summary>The syntax of a configured <c>Permissions-Policy</c>, checked at startup.</summary>
internal static class PermissionsPolicySyntax
{
    /// <summary>
    /// A light syntax check of a Permissions-Policy: <c>feature=allowlist</c> items separated by commas,
    /// the allowlist being <c>*</c>, <c>self</c>, <c>src</c>, a quoted origin or a parenthesised list of those.
    /// </summary>
    public static bool IsValid(string value)
    {
        foreach (var raw in value.Split(','))
        {
            var item = raw.Trim();
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !IsFeatureName(item.AsSpan(0, eq)))
            {
                return false;
            }

            var allow = item[(eq + 1)..].Trim();
            if (allow.StartsWith('(') && allow.EndsWith(')'))
            {
                foreach (var member in allow[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!IsAllowMember(member))
                    {
                        return false;
                    }
                }
            }
            else if (!IsAllowMember(allow))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The feature names of a valid policy, in order; none for an empty one.</summary>
    public static IEnumerable<string> FeatureNames(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(item => item.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? item[..eq].Trim() : item);

    private static bool IsFeatureName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-'))
            {
                return false;
            }
        }

        return name.Length > 0 && name[0] is >= 'a' and <= 'z';
    }

    private static bool IsAllowMember(string member) =>
        member is "*" or "self" or "src" ||
        (member.Length > 2 && member[0] == '"' && member[^1] == '"' &&
         Uri.TryCreate(member[1..^1], UriKind.Absolute, out var uri) && !member[1..^1].Contains('"', StringComparison.Ordinal) &&
         uri.Scheme is "http" or "https" or "wss" or "ws");
}

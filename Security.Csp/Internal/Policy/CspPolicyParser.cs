using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// Reads one policy, given as directive -> sources or as a raw header value, into validated directives in order,
/// with the per-request nonce added where the nonce options ask.
/// </summary>
internal static class CspPolicyParser
{
    /// <summary>The directives, or <see langword="null"/> when the policy is not given or not valid (the reasons are in <paramref name="errors"/>).</summary>
    public static List<CspDirectiveValue>? Parse(
        Dictionary<string, string[]>? dictionary, string? raw, string path, string dictionaryName, string rawName,
        CspNonceOptions nonce, OptionsValidationErrors errors, List<string> warnings)
    {
        if (dictionary is not null && raw is not null)
        {
            errors.Add($"{path}:{dictionaryName}", $"both {dictionaryName} and {rawName} are set; give the policy one way only.");
            return null;
        }

        if (raw is not null)
        {
            return ParseRaw(raw, path, dictionaryName, rawName, nonce, errors);
        }

        if (dictionary is null)
        {
            return null;
        }

        var option = $"{path}:{dictionaryName}";
        if (dictionary.Count == 0)
        {
            errors.Add(option, "is empty; give at least one directive, e.g. default-src: [self].");
            return null;
        }

        var result = new List<CspDirectiveValue>(dictionary.Count);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, values) in dictionary)
        {
            var name = rawKey.Trim().ToLowerInvariant();
            var directiveOption = $"{option}:{rawKey}";
            if (!CspDirectives.All.TryGetValue(name, out var info))
            {
                errors.Add(directiveOption, $"'{rawKey}' is not a known directive; allowed: {string.Join(", ", CspDirectives.All.Keys.Order(StringComparer.Ordinal))}.");
                continue;
            }

            if (!seen.Add(name))
            {
                errors.Add(directiveOption, $"directive '{name}' is given twice.");
                continue;
            }

            if (info.ObsoleteAdvice is { } advice)
            {
                warnings.Add($"{directiveOption}: the directive '{name}' is obsolete and ignored by current browsers; {advice}.");
            }

            var failuresBefore = errors.Failures.Count;
            var parsed = new List<string?>((values ?? []).Length);
            info.Values.Parse(name, values ?? [], directiveOption, errors, parsed);
            if (errors.Failures.Count == failuresBefore)
            {
                result.Add(new CspDirectiveValue(name, parsed));
            }
        }

        if (nonce.Enabled)
        {
            CspNonceSources.Add(result, nonce, path, errors, warnings);
        }

        return result;
    }

    private static List<CspDirectiveValue>? ParseRaw(
        string raw, string path, string dictionaryName, string rawName, CspNonceOptions nonce, OptionsValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            errors.Add($"{path}:{rawName}", "is empty; give a policy such as default-src 'self'.");
            return null;
        }

        if (!errors.RequireHeaderSafe($"{path}:{rawName}", raw))
        {
            return null;
        }

        if (nonce.Enabled)
        {
            errors.Add($"{path}:Nonce:Enabled", $"a per-request nonce needs the policy as {dictionaryName} (dictionary or builder); {rawName} is used verbatim.");
            return null;
        }

        return [new CspDirectiveValue(raw.Trim().TrimEnd(';').TrimEnd(), [], IsRaw: true)];
    }
}

using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>Adds the per-request nonce to the directives <see cref="CspNonceOptions.Directives"/> names.</summary>
internal static class CspNonceSources
{
    private static readonly string[] DefaultDirectives = ["script-src", "style-src"];

    public static void Add(List<CspDirectiveValue> directives, CspNonceOptions nonce, string path, OptionsValidationErrors errors, List<string> warnings)
    {
        var names = nonce.Directives ?? DefaultDirectives;
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i]?.Trim().ToLowerInvariant() ?? "";
            if (!CspDirectives.All.TryGetValue(name, out var info) || info.Values is not CspSourceListValues)
            {
                errors.Add($"{path}:Nonce:Directives[{i}]", $"'{names[i]}' is not a source-list directive such as script-src or style-src.");
                continue;
            }

            var existing = directives.Find(d => d.Name == name);
            if (existing is null)
            {
                // An absent directive falls back to default-src: copying its sources keeps that meaning.
                var fallback = directives.Find(d => d.Name == "default-src");
                if (fallback is null)
                {
                    warnings.Add($"{path}:Nonce:Directives[{i}]: '{name}' is not in the policy and there is no default-src to extend; no nonce is added there.");
                    continue;
                }

                existing = new CspDirectiveValue(name, [.. fallback.Values]);
                directives.Add(existing);
            }

            // 'none' next to a nonce would be ignored by browsers; the nonce alone says "only this".
            existing.Values.RemoveAll(v => v == "'none'");
            if (!existing.Values.Contains(null))
            {
                existing.Values.Add(null);
            }
        }
    }
}

using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// Directives that take one value from a fixed set (<c>require-trusted-types-for</c>, <c>referrer</c>), lower-cased,
/// and quoted when the directive's grammar quotes it (<c>'script'</c>).
/// </summary>
internal sealed class CspOneOfValue(string[] allowed, bool quoted = false) : CspDirectiveValueParser
{
    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        if (values.Length != 1 || !allowed.Contains(values[0], StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(option, $"[{string.Join(", ", values.Select(v => $"'{CspValueChecks.Printable(v)}'"))}] is not valid for '{name}'; give one of: {string.Join(", ", allowed)}.");
            return;
        }

        var value = values[0].ToLowerInvariant();
        result.Add(quoted ? $"'{value}'" : value);
    }
}

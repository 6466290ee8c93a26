using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary><c>sandbox</c>: known <c>allow-*</c> tokens, lower-cased; an empty item stands for the bare directive.</summary>
internal sealed class CspSandboxValues : CspDirectiveValueParser
{
    public static readonly CspSandboxValues Instance = new();

    private CspSandboxValues()
    {
    }

    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var token = values[i] ?? "";
            if (token.Length == 0)
            {
                continue;
            }

            if (CspDirectives.SandboxTokens.Contains(token))
            {
                result.Add(token.ToLowerInvariant());
            }
            else
            {
                errors.Add($"{option}[{i}]", $"'{CspValueChecks.Printable(token)}' is not a sandbox token; allowed: \"\" (bare sandbox), {string.Join(", ", CspDirectives.SandboxTokens.Order(StringComparer.Ordinal))}.");
            }
        }
    }
}

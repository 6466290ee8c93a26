using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>Directives whose values are free tokens (<c>trusted-types</c> policy names, <c>plugin-types</c> media types), each a single token.</summary>
internal sealed class CspTokenListValues : CspDirectiveValueParser
{
    public static readonly CspTokenListValues Instance = new();

    private CspTokenListValues()
    {
    }

    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (CspValueChecks.CheckInjection(values[i], $"{option}[{i}]", errors))
            {
                result.Add(values[i]);
            }
        }
    }
}

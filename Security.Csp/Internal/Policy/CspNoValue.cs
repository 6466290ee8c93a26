using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>Directives that are on by being present (<c>upgrade-insecure-requests</c>): no value, or one empty item.</summary>
internal sealed class CspNoValue : CspDirectiveValueParser
{
    public static readonly CspNoValue Instance = new();

    private CspNoValue()
    {
    }

    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        if (values.Any(v => !string.IsNullOrEmpty(v)))
        {
            errors.Add(option, $"'{name}' takes no value; give [] or [\"\"].");
        }
    }
}

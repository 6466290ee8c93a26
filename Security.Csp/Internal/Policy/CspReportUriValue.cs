using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary><c>report-uri</c>: exactly one URI, a single token.</summary>
internal sealed class CspReportUriValue : CspDirectiveValueParser
{
    public static readonly CspReportUriValue Instance = new();

    private CspReportUriValue()
    {
    }

    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        if (values.Length != 1)
        {
            errors.Add(option, $"'{name}' takes exactly one URI, e.g. [\"/csp-report\"]; got {values.Length}.");
        }
        else if (CspValueChecks.CheckInjection(values[0], $"{option}[0]", errors))
        {
            result.Add(values[0]);
        }
    }
}

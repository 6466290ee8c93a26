using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary><c>report-to</c>: exactly one Reporting API endpoint name.</summary>
internal sealed class CspReportToValue : CspDirectiveValueParser
{
    public static readonly CspReportToValue Instance = new();

    private CspReportToValue()
    {
    }

    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        if (values.Length != 1 || !CspValueChecks.IsEndpointName(values[0]))
        {
            errors.Add(option, $"'{name}' takes exactly one endpoint name of letters, digits, '-' and '_', e.g. [\"csp-endpoint\"]; got [{string.Join(", ", values.Select(v => $"'{CspValueChecks.Printable(v)}'"))}].");
        }
        else
        {
            result.Add(values[0]);
        }
    }
}

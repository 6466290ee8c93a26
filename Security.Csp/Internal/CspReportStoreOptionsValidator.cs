using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Csp.Internal;

/// <summary>Validates <see cref="CspReportStoreOptions"/>, bound next to the endpoint's settings in <c>Security:Csp:Reports</c>.</summary>
internal sealed class CspReportStoreOptionsValidator : IValidateOptions<CspReportStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, CspReportStoreOptions options)
    {
        var errors = new OptionsValidationErrors();
        if (options.ReportsKeptPerGroup is < 0 or > CspReportStoreOptions.MaxReportsKeptPerGroup)
        {
            errors.Add(
                SecurityCspOptions.SectionName + ":Reports:ReportsKeptPerGroup",
                $"'{options.ReportsKeptPerGroup}' must be between 0 (counts only) and {CspReportStoreOptions.MaxReportsKeptPerGroup}, e.g. 10.");
        }

        return errors.ToResult();
    }
}

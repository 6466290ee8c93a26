using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Persistence.Internal;

/// <summary>Validates <see cref="SecurityStoreOptions"/> at startup, naming each bad option.</summary>
internal sealed class SecurityStoreOptionsValidator : IValidateOptions<SecurityStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityStoreOptions options)
    {
        const string Section = SecurityStoreOptions.SectionName;
        var errors = new OptionsValidationErrors();
        foreach (var (option, value) in (ReadOnlySpan<(string, string)>)[
            (nameof(options.CspReportTable), options.CspReportTable),
            (nameof(options.CspReportGroupTable), options.CspReportGroupTable),
            (nameof(options.PasswordExpiryTable), options.PasswordExpiryTable),
            (nameof(options.ThrottleCounterTable), options.ThrottleCounterTable)])
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"{Section}:{option}", "must name a table, e.g. security_csp_reports.");
            }
        }

        errors.RequirePositive($"{Section}:{nameof(options.ThrottleCounterLifetime)}", options.ThrottleCounterLifetime);
        return errors.ToResult();
    }
}

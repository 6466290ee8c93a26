using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Persistence.Internal;

/// <summary>Validates <see cref="SecurityStoreCleanupOptions"/> at startup, naming each bad option.</summary>
internal sealed class SecurityStoreCleanupOptionsValidator : IValidateOptions<SecurityStoreCleanupOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityStoreCleanupOptions options)
    {
        const string Section = SecurityStoreCleanupOptions.SectionName;
        var errors = new OptionsValidationErrors();
        errors.RequirePositive($"{Section}:{nameof(options.Interval)}", options.Interval);
        errors.RequirePositive($"{Section}:{nameof(options.CspReportMaxAge)}", options.CspReportMaxAge);
        if (options.BatchSize <= 0)
        {
            errors.Add($"{Section}:{nameof(options.BatchSize)}", $"'{options.BatchSize}' must be a positive number of rows, e.g. 1000.");
        }

        return errors.ToResult();
    }
}

using Microsoft.Extensions.Options;

namespace Security.Persistence;

/// <summary>Validates <see cref="SecurityStoreOptions"/> and <see cref="SecurityStoreCleanupOptions"/> at startup, naming each bad option.</summary>
internal sealed class SecurityStoreOptionsValidator : IValidateOptions<SecurityStoreOptions>, IValidateOptions<SecurityStoreCleanupOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityStoreOptions options)
    {
        var failures = new List<string>();
        foreach (var (option, value) in (ReadOnlySpan<(string, string)>)[
            (nameof(options.CspReportTable), options.CspReportTable),
            (nameof(options.CspReportGroupTable), options.CspReportGroupTable),
            (nameof(options.PasswordExpiryTable), options.PasswordExpiryTable),
            (nameof(options.ThrottleCounterTable), options.ThrottleCounterTable)])
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"Security:Storage:{option} must name a table.");
            }
        }

        if (options.ThrottleCounterLifetime <= TimeSpan.Zero)
        {
            failures.Add($"Security:Storage:ThrottleCounterLifetime must be positive (was {options.ThrottleCounterLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public ValidateOptionsResult Validate(string? name, SecurityStoreCleanupOptions options)
    {
        var failures = new List<string>();
        if (options.Interval <= TimeSpan.Zero)
        {
            failures.Add($"Security:Storage:Cleanup:Interval must be positive (was {options.Interval}).");
        }

        if (options.CspReportMaxAge <= TimeSpan.Zero)
        {
            failures.Add($"Security:Storage:Cleanup:CspReportMaxAge must be positive (was {options.CspReportMaxAge}).");
        }

        if (options.BatchSize <= 0)
        {
            failures.Add($"Security:Storage:Cleanup:BatchSize must be positive (was {options.BatchSize}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

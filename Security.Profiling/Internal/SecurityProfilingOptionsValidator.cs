using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Shared;

namespace Security.Profiling.Internal;

/// <summary>Reports every bad profiling setting at startup, naming the option.</summary>
internal sealed class SecurityProfilingOptionsValidator : IValidateOptions<SecurityProfilingOptions>
{
    internal const int MaxStoredProfilesLimit = 10_000;
    internal const int MaxEntriesPerProfileLimit = 100_000;
    internal const int TopFunctionsLimit = 1000;

    public ValidateOptionsResult Validate(string? name, SecurityProfilingOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = SecurityProfilingOptions.SectionName;

        if (!HttpToken.IsToken(options.HeaderName))
        {
            errors.Add($"{Section}:{nameof(options.HeaderName)}",
                $"'{options.HeaderName}' is not a valid header name; use letters, digits and !#$%&'*+-.^_`|~ only, e.g. X-Profile.");
        }

        if (options.AuthorizationPolicy is not null && string.IsNullOrWhiteSpace(options.AuthorizationPolicy))
        {
            errors.Add($"{Section}:{nameof(options.AuthorizationPolicy)}",
                "must be a policy name (e.g. Admins) or absent (local callers only).");
        }

        if (options.MaxStoredProfiles is < 0 or > MaxStoredProfilesLimit)
        {
            errors.Add($"{Section}:{nameof(options.MaxStoredProfiles)}",
                $"'{options.MaxStoredProfiles}' must be between 0 and {MaxStoredProfilesLimit}.");
        }

        if (options.MaxEntriesPerProfile is < 1 or > MaxEntriesPerProfileLimit)
        {
            errors.Add($"{Section}:{nameof(options.MaxEntriesPerProfile)}",
                $"'{options.MaxEntriesPerProfile}' must be between 1 and {MaxEntriesPerProfileLimit}.");
        }

        if (options.TopFunctions is < 1 or > TopFunctionsLimit)
        {
            errors.Add($"{Section}:{nameof(options.TopFunctions)}",
                $"'{options.TopFunctions}' must be between 1 and {TopFunctionsLimit}.");
        }

        return errors.ToResult();
    }
}

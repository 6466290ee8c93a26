using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Sessions;

/// <summary>Reports every bad session expiry setting at startup, naming the option.</summary>
internal sealed class SessionExpiryOptionsValidator : IValidateOptions<SessionExpiryOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionExpiryOptions options)
    {
        var errors = new OptionsValidationErrors();
        errors.RequirePositive($"{SessionExpiryOptions.SectionName}:{nameof(options.AbsoluteTimeout)}", options.AbsoluteTimeout);
        errors.RequirePositive($"{SessionExpiryOptions.SectionName}:{nameof(options.InactivityTimeout)}", options.InactivityTimeout);
        errors.RequirePathPatterns($"{SessionExpiryOptions.SectionName}:{nameof(options.ExemptPaths)}", options.ExemptPaths);
        if (!Enum.IsDefined(options.OnStoreUnavailable))
        {
            errors.Add(
                $"{SessionExpiryOptions.SectionName}:{nameof(options.OnStoreUnavailable)}",
                $"'{options.OnStoreUnavailable}' is not one of {string.Join(", ", Enum.GetNames<SessionStoreUnavailableAction>())}");
        }

        return errors.ToResult();
    }
}

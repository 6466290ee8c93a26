using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Sessions.Internal;

/// <summary>Reports every bad session expiry setting at startup, naming the option.</summary>
internal sealed class SessionExpiryOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<SessionExpiryOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionExpiryOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = SessionExpiryOptions.SectionName;
        errors.RequirePositive($"{Section}:{nameof(options.AbsoluteTimeout)}", options.AbsoluteTimeout);
        errors.RequirePositive($"{Section}:{nameof(options.InactivityTimeout)}", options.InactivityTimeout);
        errors.RequireList(configuration, $"{Section}:{nameof(options.ExemptPaths)}");
        errors.RequirePathPatterns($"{Section}:{nameof(options.ExemptPaths)}", options.ExemptPaths);
        if (!Enum.IsDefined(options.OnStoreUnavailable))
        {
            errors.Add(
                $"{Section}:{nameof(options.OnStoreUnavailable)}",
                $"'{options.OnStoreUnavailable}' is not one of {string.Join(", ", Enum.GetNames<SessionStoreUnavailableAction>())}");
        }

        return errors.ToResult();
    }
}

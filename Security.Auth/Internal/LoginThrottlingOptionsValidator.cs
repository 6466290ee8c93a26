using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Internal;

internal sealed class LoginThrottlingOptionsValidator : IValidateOptions<LoginThrottlingOptions>
{
    public const int MinHashKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, LoginThrottlingOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = LoginThrottlingOptions.SectionName;
        if (options.MaxInMemoryCounters < 1)
        {
            errors.Add(Section + ":MaxInMemoryCounters", $"'{options.MaxInMemoryCounters}' must be at least 1, e.g. 100000.");
        }

        if (options.ClientFailureLimit < 0)
        {
            errors.Add(Section + ":ClientFailureLimit", $"'{options.ClientFailureLimit}' must be 0 (no client budget) or more, e.g. 20.");
        }

        if (options.ClientFailureWindow < TimeSpan.FromSeconds(1) || options.ClientFailureWindow > TimeSpan.FromDays(1))
        {
            errors.Add(Section + ":ClientFailureWindow", $"'{options.ClientFailureWindow}' must be between 00:00:01 and 1.00:00:00, e.g. 00:05:00.");
        }

        if (options.UsernameHashKey is { } key && key.Length < MinHashKeyLength)
        {
            errors.Add(Section + ":UsernameHashKey", $"is {key.Length} characters; use at least {MinHashKeyLength} random characters, e.g. the output of 'openssl rand -base64 32'.");
        }

        if (options.DelayFunction is null)
        {
            errors.Add(Section + ":DelayFunction", "is null; use LoginThrottlingOptions.DefaultDelay or your own function.");
        }

        if (options.IsSuperuser is null)
        {
            errors.Add(Section + ":IsSuperuser", "is null; the default is the role Admin.");
        }

        return errors.ToResult();
    }
}

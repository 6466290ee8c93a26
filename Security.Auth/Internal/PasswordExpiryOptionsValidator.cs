using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Internal;

internal sealed class PasswordExpiryOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<PasswordExpiryOptions>
{
    public ValidateOptionsResult Validate(string? name, PasswordExpiryOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = PasswordExpiryOptions.SectionName;
        errors.RequireList(configuration, Section + ":ExemptPaths");
        errors.RequireList(configuration, Section + ":ExemptEndpointNames");
        if (options.ChangePasswordUrl is null)
        {
            errors.Add(Section + ":ChangePasswordUrl", "is required; set the password-change page, e.g. /account/change-password.");
        }
        else
        {
            UrlRules.RequireLoginUrl(errors, Section + ":ChangePasswordUrl", options.ChangePasswordUrl);
        }

        errors.RequirePathPatterns(Section + ":ExemptPaths", options.ExemptPaths);
        for (var i = 0; i < options.ExemptEndpointNames.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ExemptEndpointNames[i]))
            {
                errors.Add($"{Section}:ExemptEndpointNames[{i}]", $"'{options.ExemptEndpointNames[i]}' must be an endpoint name, e.g. logout.");
            }
        }

        if (options.MaxPasswordAge is { } age)
        {
            errors.RequirePositive(Section + ":MaxPasswordAge", age);
        }

        UserCheckCache<PasswordExpiry>.ValidateInterval(errors, Section + ":ValidationInterval", options.ValidationInterval);
        if (options.IsSuperuser is null)
        {
            errors.Add(Section + ":IsSuperuser", "is null; the default is the role Admin.");
        }

        if (options.UserId is null)
        {
            errors.Add(Section + ":UserId", "is null; the default reads the NameIdentifier claim.");
        }

        return errors.ToResult();
    }
}

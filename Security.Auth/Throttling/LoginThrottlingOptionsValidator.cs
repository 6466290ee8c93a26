using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth;

internal sealed class LoginThrottlingOptionsValidator : IValidateOptions<LoginThrottlingOptions>
{
    public ValidateOptionsResult Validate(string? name, LoginThrottlingOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = LoginThrottlingOptions.SectionName;
        if (options.LoginPaths.Count == 0)
        {
            errors.Add(Section + ":LoginPaths", "is empty; list at least one login path, e.g. /account/login.");
        }

        for (var i = 0; i < options.LoginPaths.Count; i++)
        {
            errors.RequireLocalPath($"{Section}:LoginPaths[{i}]", options.LoginPaths[i]);
        }

        for (var i = 0; i < options.LoginPagePaths.Count; i++)
        {
            if (!options.LoginPaths.Contains(options.LoginPagePaths[i], StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{Section}:LoginPagePaths[{i}]", $"'{options.LoginPagePaths[i]}' is not one of LoginPaths ({string.Join(", ", options.LoginPaths)}).");
            }
        }

        if (string.IsNullOrWhiteSpace(options.UsernameField))
        {
            errors.Add(Section + ":UsernameField", $"'{options.UsernameField}' must name a form field, e.g. username.");
        }

        if (options.SignInScheme is { Length: 0 })
        {
            errors.Add(Section + ":SignInScheme", "'' must be null (the default authenticate scheme) or a scheme name, e.g. Identity.Application.");
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

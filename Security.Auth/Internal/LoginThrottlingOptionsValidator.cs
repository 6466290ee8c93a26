using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Internal;

internal sealed class LoginThrottlingOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<LoginThrottlingOptions>
{
    public const int MinHashKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, LoginThrottlingOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = LoginThrottlingOptions.SectionName;
        errors.RequireList(configuration, Section + ":LoginPaths");
        errors.RequireList(configuration, Section + ":LoginPagePaths");
        for (var i = 0; i < options.LoginPaths.Count; i++)
        {
            errors.RequireLocalPath($"{Section}:LoginPaths[{i}]", options.LoginPaths[i]);
        }

        var loginPaths = PathPatternMatcher.CreateExact(options.LoginPaths.Where(p => p is not null));
        for (var i = 0; i < options.LoginPagePaths.Count; i++)
        {
            if (options.LoginPagePaths[i] is not { } page || !loginPaths.IsMatch(page))
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
            errors.Add(Section + ":SignInScheme", "'' must be null (a sign-in to any scheme) or a scheme name, e.g. Identity.Application.");
        }

        if (options.MaxUsernameLength < 1)
        {
            errors.Add(Section + ":MaxUsernameLength", $"'{options.MaxUsernameLength}' must be at least 1, e.g. 256.");
        }

        if (options.MaxJsonBodySize < 1 || options.MaxJsonBodySize > 1024 * 1024)
        {
            errors.Add(Section + ":MaxJsonBodySize", $"'{options.MaxJsonBodySize}' must be between 1 and 1048576 bytes, e.g. 65536.");
        }

        if (options.MaxInMemoryCounters < 1)
        {
            errors.Add(Section + ":MaxInMemoryCounters", $"'{options.MaxInMemoryCounters}' must be at least 1, e.g. 100000.");
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

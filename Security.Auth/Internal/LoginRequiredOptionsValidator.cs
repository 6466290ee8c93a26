using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Internal;

internal sealed class LoginRequiredOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<LoginRequiredOptions>
{
    public ValidateOptionsResult Validate(string? name, LoginRequiredOptions options)
    {
        var errors = new OptionsValidationErrors();
        const string Section = LoginRequiredOptions.SectionName;
        errors.RequireList(configuration, Section + ":ExemptPaths");
        if (options.LoginUrl is not null)
        {
            UrlRules.RequireLoginUrl(errors, Section + ":LoginUrl", options.LoginUrl);
        }

        if (options.ReturnUrlParameter is not null && !UrlRules.IsQueryName(options.ReturnUrlParameter))
        {
            errors.Add(Section + ":ReturnUrlParameter",
                $"'{options.ReturnUrlParameter}' must be a non-empty query parameter name of letters, digits, '_', '-' or '.', e.g. next or ReturnUrl.");
        }
        else if (options.ReturnUrlParameter is not null && options.LoginUrl is null)
        {
            errors.Add(Section + ":ReturnUrlParameter",
                $"'{options.ReturnUrlParameter}' applies only to redirects to {Section}:LoginUrl, which is not set; the cookie scheme's own redirect uses its CookieAuthenticationOptions.ReturnUrlParameter: set that instead (ConfigureApplicationCookie(o => o.ReturnUrlParameter = \"{options.ReturnUrlParameter}\")).");
        }

        errors.RequirePathPatterns(Section + ":ExemptPaths", options.ExemptPaths);
        UserCheckCache<bool>.ValidateInterval(errors, Section + ":ValidationInterval", options.ValidationInterval);
        return errors.ToResult();
    }
}

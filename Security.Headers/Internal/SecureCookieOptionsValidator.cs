using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Headers.Internal;

internal sealed class SecureCookieOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<SecureCookieOptions>
{
    public ValidateOptionsResult Validate(string? name, SecureCookieOptions options)
    {
        var errors = new OptionsValidationErrors();
        errors.RequireList(configuration, SecureCookieOptions.SectionName + ":ScriptReadable");
        errors.RequireList(configuration, SecureCookieOptions.SectionName + ":CrossSite");
        for (var i = 0; i < options.ScriptReadable.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ScriptReadable[i]))
            {
                errors.Add($"{SecureCookieOptions.SectionName}:ScriptReadable[{i}]", "is empty; give a cookie name, e.g. XSRF-TOKEN.");
            }
        }

        for (var i = 0; i < options.CrossSite.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.CrossSite[i]))
            {
                errors.Add($"{SecureCookieOptions.SectionName}:CrossSite[{i}]", "is empty; an empty prefix would let every cookie cross sites.");
            }
        }

        return errors.ToResult();
    }
}

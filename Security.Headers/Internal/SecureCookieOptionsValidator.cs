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
        RequireNames(errors, "ScriptReadable", options.ScriptReadable, "is empty; give a cookie name, e.g. XSRF-TOKEN.");
        RequireNames(errors, "CrossSite", options.CrossSite, "is empty; an empty prefix would let every cookie cross sites.");
        return errors.ToResult();
    }

    private static void RequireNames(OptionsValidationErrors errors, string option, IList<string> names, string message)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i]))
            {
                errors.Add($"{SecureCookieOptions.SectionName}:{option}[{i}]", message);
            }
        }
    }
}

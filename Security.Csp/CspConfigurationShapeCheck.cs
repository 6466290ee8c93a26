using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Security.Csp;

/// <summary>
/// Finds what the configuration binder would silently lose: a directive given as one string
/// (<c>"script-src": "self"</c>) where a list belongs, or a raw policy under <c>Policy</c>.
/// </summary>
internal sealed class CspConfigurationShapeCheck(IConfiguration? configuration) : IConfigureOptions<CspOptions>
{
    public void Configure(CspOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        var section = configuration.GetSection(CspOptionsValidator.SectionPath);
        CheckPolicy(section, CspOptionsValidator.SectionPath, options.ConfigurationErrors);
        foreach (var named in section.GetSection("Policies").GetChildren())
        {
            CheckPolicy(named, named.Path, options.ConfigurationErrors);
        }
    }

    private static void CheckPolicy(IConfigurationSection section, string path, List<string> errors)
    {
        foreach (var name in (string[])["Policy", "ReportOnlyPolicy"])
        {
            var policy = section.GetSection(name);
            if (policy.Value is { Length: > 0 } whole)
            {
                errors.Add($"{path}:{name}: '{whole}' is a single string; give directive -> list of sources, or use {name}String for a raw policy.");
                continue;
            }

            foreach (var directive in policy.GetChildren())
            {
                if (directive.Value is { Length: > 0 } value && !directive.GetChildren().Any())
                {
                    errors.Add($"{path}:{name}:{directive.Key}: '{value}' is a single string; a directive takes a list, e.g. [\"{value}\"].");
                }
            }
        }
    }
}

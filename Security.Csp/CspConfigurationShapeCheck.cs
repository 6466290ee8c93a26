using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Security.Csp;

/// <summary>
/// Finds what the configuration binder would silently lose: a directive given as one string
/// (<c>"script-src": "self"</c>) where a list belongs, a raw policy under <c>Policy</c>, and a
/// directive given as an empty list (<c>"upgrade-insecure-requests": []</c>), which binding drops.
/// Runs right after binding, before code configuration.
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
        CheckPolicy(section, CspOptionsValidator.SectionPath, options, options.ConfigurationErrors);
        foreach (var named in section.GetSection("Policies").GetChildren())
        {
            if (options.Policies.TryGetValue(named.Key, out var policy) && policy is not null)
            {
                CheckPolicy(named, named.Path, policy, options.ConfigurationErrors);
            }
        }
    }

    private static void CheckPolicy(IConfigurationSection section, string path, CspPolicyOptions target, List<string> errors)
    {
        foreach (var name in (string[])["Policy", "ReportOnlyPolicy"])
        {
            var policy = section.GetSection(name);
            if (policy.Value is { Length: > 0 } whole)
            {
                errors.Add($"{path}:{name}: '{whole}' is a single string; give directive -> list of sources, or use {name}String for a raw policy.");
                continue;
            }

            var directives = policy.GetChildren().ToList();
            var hasEmptyList = false;
            foreach (var directive in directives)
            {
                var isLeaf = !directive.GetChildren().Any();
                if (isLeaf && directive.Value is { Length: > 0 } value)
                {
                    errors.Add($"{path}:{name}:{directive.Key}: '{value}' is a single string; a directive takes a list, e.g. [\"{value}\"].");
                }

                hasEmptyList |= isLeaf && string.IsNullOrEmpty(directive.Value);
            }

            if (hasEmptyList)
            {
                // Rebuilt in configuration order with the dropped directives as empty lists.
                var bound = name == "Policy" ? target.Policy : target.ReportOnlyPolicy;
                var rebuilt = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                foreach (var directive in directives)
                {
                    rebuilt[directive.Key] = bound?.GetValueOrDefault(directive.Key) ?? [];
                }

                if (name == "Policy")
                {
                    target.Policy = rebuilt;
                }
                else
                {
                    target.ReportOnlyPolicy = rebuilt;
                }
            }
        }
    }
}

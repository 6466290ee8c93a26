using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Csp.Internal;

/// <summary>
/// Finds what the configuration binder would silently lose: a single string where a list belongs (a directive,
/// <c>Nonce:Directives</c>), a raw policy under <c>Policy</c>, and a directive given as an empty list
/// (<c>"upgrade-insecure-requests": []</c>), which binding drops. Runs right after binding, before code configuration;
/// the failures are reported by the options validator.
/// </summary>
/// <remarks>
/// A directive given as an empty list is not an error but a value binding cannot express, so it is put back here,
/// in configuration order; that is why this runs as an <see cref="IConfigureOptions{TOptions}"/> and not in the validator.
/// </remarks>
internal sealed class CspConfigurationShapeCheck(IConfiguration? configuration) : IConfigureOptions<SecurityCspOptions>
{
    private static readonly string[] PolicyNames = ["Policy", "ReportOnlyPolicy"];

    public void Configure(SecurityCspOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        var section = configuration.GetSection(SecurityCspOptions.SectionName);
        CheckPolicy(section, SecurityCspOptions.SectionName, options, options.ConfigurationErrors);
        options.ConfigurationErrors.RequireList(configuration, SecurityCspOptions.SectionName + ":Reports:AppOrigins");
        foreach (var named in section.GetSection("Policies").GetChildren())
        {
            if (options.Policies.TryGetValue(named.Key, out var policy) && policy is not null)
            {
                CheckPolicy(named, named.Path, policy, options.ConfigurationErrors);
            }
        }
    }

    private void CheckPolicy(IConfigurationSection section, string path, CspPolicyOptions target, OptionsValidationErrors errors)
    {
        errors.RequireList(configuration, $"{path}:Nonce:Directives");
        foreach (var name in PolicyNames)
        {
            var policy = section.GetSection(name);
            if (policy.Value is { Length: > 0 } whole)
            {
                // A policy is directive -> sources, not a list: the fix to suggest is the raw-string option.
                errors.Add($"{path}:{name}", $"'{whole}' is a single string; give directive -> list of sources, or use {name}String for a raw policy.");
                continue;
            }

            var directives = policy.GetChildren().ToList();
            var hasEmptyList = false;
            foreach (var directive in directives)
            {
                var isLeaf = !directive.GetChildren().Any();
                if (isLeaf)
                {
                    errors.RequireList(configuration, directive.Path);
                }

                hasEmptyList |= isLeaf && string.IsNullOrEmpty(directive.Value);
            }

            if (hasEmptyList)
            {
                RestoreEmptyDirectives(name, directives, target);
            }
        }
    }

    // Rebuilt in configuration order with the dropped directives as empty lists.
    private static void RestoreEmptyDirectives(string name, List<IConfigurationSection> directives, CspPolicyOptions target)
    {
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

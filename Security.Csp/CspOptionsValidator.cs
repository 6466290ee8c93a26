using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Csp.Policy;

namespace Security.Csp;

/// <summary>Reports every problem of <see cref="CspOptions"/> at once, each naming its option path.</summary>
internal sealed class CspOptionsValidator : IValidateOptions<CspOptions>
{
    public const string SectionPath = "Security:Csp";

    public ValidateOptionsResult Validate(string? name, CspOptions options)
    {
        var errors = new OptionsValidationErrors();
        Compile(options, errors, []);
        return errors.ToResult();
    }

    /// <summary>Compiles the default and every named policy, collecting failures and warnings.</summary>
    public static (CompiledCspPolicy? Default, Dictionary<string, CompiledCspPolicy> Named) Compile(
        CspOptions options, OptionsValidationErrors errors, List<string> warnings)
    {
        errors.AddRange(options.ConfigurationErrors);
        var compiled = CspPolicyCompiler.Compile(options, options, SectionPath, errors, warnings);
        var named = new Dictionary<string, CompiledCspPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (policyName, policy) in options.Policies)
        {
            var path = $"{SectionPath}:Policies:{policyName}";
            if (policy is null)
            {
                errors.Add(path, "is empty; give its Policy or PolicyString.");
            }
            else if (CspPolicyCompiler.Compile(policy, options, path, errors, warnings) is { } namedPolicy)
            {
                named[policyName] = namedPolicy;
            }
        }

        CspPolicyCompiler.ValidateRoot(options, SectionPath, errors);
        return (compiled, named);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.CrossOrigin.Internal;

/// <summary>Validates <see cref="CrossOriginProtectionOptions"/> at startup, reporting every failure at once with its option path.</summary>
internal sealed class CrossOriginProtectionOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<CrossOriginProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, CrossOriginProtectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new OptionsValidationErrors();

        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add(Path("Mode"), $"'{options.Mode}' is not valid; allowed values: {string.Join(", ", Enum.GetNames<CrossOriginProtectionMode>())}.");
        }

        errors.RequireList(configuration, Path("TrustedOrigins"));
        for (var i = 0; i < options.TrustedOrigins.Count; i++)
        {
            var option = Path($"TrustedOrigins[{i}]");
            var origin = options.TrustedOrigins[i];
            if (errors.RequireHeaderSafe(option, origin) && RequestOrigin.Normalize(origin, out var error) is null)
            {
                errors.Add(option, $"'{origin}' {error}.");
            }
        }

        errors.RequireList(configuration, Path("ExemptPaths"));
        errors.RequirePathPatterns(Path("ExemptPaths"), options.ExemptPaths);

        if (options.CorsPolicyName is { } policy && string.IsNullOrWhiteSpace(policy))
        {
            errors.Add(Path("CorsPolicyName"), "is empty; leave it unset for the default CORS policy, or name a policy given to AddCors.");
        }

        return errors.ToResult();
    }

    private static string Path(string option) => CrossOriginProtectionOptions.SectionName + ":" + option;
}

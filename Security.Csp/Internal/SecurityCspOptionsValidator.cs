using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Csp.Internal.Policy;
using Security.Csp.Internal.Reports;

namespace Security.Csp.Internal;

/// <summary>Reports every problem of <see cref="SecurityCspOptions"/> at once, each naming its option path.</summary>
internal sealed class SecurityCspOptionsValidator : IValidateOptions<SecurityCspOptions>
{
    private const string SectionName = SecurityCspOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SecurityCspOptions options)
    {
        var errors = new OptionsValidationErrors();
        Compile(options, errors, []);
        return errors.ToResult();
    }

    /// <summary>Compiles the default and every named policy, collecting failures and warnings.</summary>
    public static (CompiledCspPolicy? Default, Dictionary<string, CompiledCspPolicy> Named, CompiledCspPolicy? Api) Compile(
        SecurityCspOptions options, OptionsValidationErrors errors, List<string> warnings)
    {
        errors.AddRange(options.ConfigurationErrors.Failures);
        var compiled = CspPolicyCompiler.Compile(options, options, SectionName, errors, warnings);
        var named = new Dictionary<string, CompiledCspPolicy>(StringComparer.OrdinalIgnoreCase);
        foreach (var (policyName, policy) in options.Policies)
        {
            var path = $"{SectionName}:Policies:{policyName}";
            if (policy is null)
            {
                errors.Add(path, "is empty; give its Policy or PolicyString.");
            }
            else if (CspPolicyCompiler.Compile(policy, options, path, errors, warnings) is { } namedPolicy)
            {
                named[policyName] = namedPolicy;
            }
        }

        var api = options.UseApiPolicy ? CompileApiPolicy(options, errors, warnings) : null;
        ValidateReporting(options, errors);
        ValidateReports(options.Reports, SectionName + ":Reports", errors);
        return (compiled, named, api);
    }

    // The API policy is an ordinary policy; left empty it is the preset, so binding one directive replaces the preset whole.
    private static CompiledCspPolicy? CompileApiPolicy(SecurityCspOptions options, OptionsValidationErrors errors, List<string> warnings)
    {
        var policy = options.ApiPolicy ?? new CspPolicyOptions();
        if (policy.Policy is null && policy.PolicyString is null && policy.ReportOnlyPolicy is null && policy.ReportOnlyPolicyString is null)
        {
            policy = new CspPolicyOptions { Mode = policy.Mode, PolicyString = SecurityCspOptions.DefaultApiPolicy };
        }

        return CspPolicyCompiler.Compile(policy, options, SectionName + ":ApiPolicy", errors, warnings);
    }

    // The options that are not part of a policy: where reports go and how many responses ask for them.
    private static void ValidateReporting(SecurityCspOptions options, OptionsValidationErrors errors)
    {
        if (options.ReportUri is not null)
        {
            CspValueChecks.CheckInjection(options.ReportUri, SectionName + ":ReportUri", errors);
        }

        if (options.ReportToEndpoint is not null && CspValueChecks.CheckInjection(options.ReportToEndpoint, SectionName + ":ReportToEndpoint", errors) &&
            (options.ReportToEndpoint.Contains('"', StringComparison.Ordinal) || options.ReportToEndpoint.Contains('\\', StringComparison.Ordinal)))
        {
            errors.Add(SectionName + ":ReportToEndpoint", $"'{options.ReportToEndpoint}' cannot contain '\"' or '\\' (it is a quoted string in Reporting-Endpoints).");
        }

        if (!CspValueChecks.IsEndpointName(options.ReportToGroup))
        {
            errors.Add(SectionName + ":ReportToGroup", $"'{options.ReportToGroup}' must be a name of letters, digits, '-' and '_', e.g. csp-endpoint.");
        }

        if (!(options.ReportSamplingPercentage is >= 0 and <= 100))
        {
            errors.Add(SectionName + ":ReportSamplingPercentage", $"'{options.ReportSamplingPercentage}' must be between 0 and 100.");
        }
    }

    // The report endpoint and its background writer.
    private static void ValidateReports(CspReportOptions reports, string path, OptionsValidationErrors errors)
    {
        if (reports.MaxBodySize <= 0)
        {
            errors.Add(path + ":MaxBodySize", $"'{reports.MaxBodySize}' must be a positive number of bytes, e.g. 65536.");
        }

        if (reports.MaxJsonDepth is < 2 or > 64)
        {
            errors.Add(path + ":MaxJsonDepth", $"'{reports.MaxJsonDepth}' must be between 2 and 64.");
        }

        ValidateReportLimits(reports, path, errors);

        if (reports.SuggestionMinClients is < 1 or > 1000)
        {
            errors.Add(path + ":SuggestionMinClients", $"'{reports.SuggestionMinClients}' must be between 1 and 1000, e.g. 3.");
        }

        if (reports.MaxNewGroupsPerHour is < 1 or > 10_000_000)
        {
            errors.Add(path + ":MaxNewGroupsPerHour", $"'{reports.MaxNewGroupsPerHour}' must be between 1 and 10000000, e.g. 10000.");
        }

        CspAppOrigins.Validate(reports.AppOrigins, path + ":AppOrigins", errors);

        if (reports.QueueCapacity <= 0)
        {
            errors.Add(path + ":QueueCapacity", $"'{reports.QueueCapacity}' must be positive, e.g. 10000.");
        }

        if (reports.BatchSize <= 0)
        {
            errors.Add(path + ":BatchSize", $"'{reports.BatchSize}' must be positive, e.g. 100.");
        }

        if (reports.MaxRetries < 0)
        {
            errors.Add(path + ":MaxRetries", $"'{reports.MaxRetries}' cannot be negative.");
        }

        if (reports.RetryDelay < TimeSpan.Zero)
        {
            errors.Add(path + ":RetryDelay", $"'{reports.RetryDelay}' cannot be negative.");
        }
    }

    private static void ValidateReportLimits(CspReportOptions reports, string path, OptionsValidationErrors errors)
    {
        if (reports.MaxReportsPerRequest is < 1 or > 10_000)
        {
            errors.Add(path + ":MaxReportsPerRequest", $"'{reports.MaxReportsPerRequest}' must be between 1 and 10000, e.g. 100.");
        }

        var rateLimit = reports.RateLimit;
        if (rateLimit is null)
        {
            errors.Add(path + ":RateLimit", "is missing; set Enabled to false to turn the limit off.");
            return;
        }

        if (!rateLimit.Enabled)
        {
            return;
        }

        if (rateLimit.PermitLimit <= 0)
        {
            errors.Add(path + ":RateLimit:PermitLimit", $"'{rateLimit.PermitLimit}' must be a positive number of requests, e.g. 100.");
        }

        // Retry-After is whole seconds, and a window of days would lock a client out for days.
        if (rateLimit.Window < TimeSpan.FromSeconds(1) || rateLimit.Window > TimeSpan.FromDays(1))
        {
            errors.Add(path + ":RateLimit:Window", $"'{rateLimit.Window}' must be from 00:00:01 to 1.00:00:00, e.g. 00:01:00.");
        }
    }
}

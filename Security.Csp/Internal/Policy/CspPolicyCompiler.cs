using Microsoft.Extensions.Primitives;
using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// Validates a <see cref="CspPolicyOptions"/> and turns it into ready header values. The options
/// validator and the middleware both use it, so what starts is exactly what was validated.
/// </summary>
internal static class CspPolicyCompiler
{
    private static readonly string[] Modes = [CspModes.Enforce, CspModes.ReportOnly, CspModes.EnforceAndReportOnly];

    public static CompiledCspPolicy? Compile(
        CspPolicyOptions policy, SecurityCspOptions root, string path, OptionsValidationErrors errors, List<string> warnings)
    {
        var failuresBefore = errors.Failures.Count;
        var enforce = true;
        var reportOnly = false;
        if (errors.RequireOneOf(path + ":Mode", policy.Mode, Modes))
        {
            enforce = !string.Equals(policy.Mode, CspModes.ReportOnly, StringComparison.OrdinalIgnoreCase);
            reportOnly = !string.Equals(policy.Mode, CspModes.Enforce, StringComparison.OrdinalIgnoreCase);
        }

        var main = CspPolicyParser.Parse(policy.Policy, policy.PolicyString, path, "Policy", "PolicyString", policy.Nonce, errors, warnings);
        var separate = CspPolicyParser.Parse(
            policy.ReportOnlyPolicy, policy.ReportOnlyPolicyString, path, "ReportOnlyPolicy", "ReportOnlyPolicyString", policy.Nonce, errors, warnings);

        var hasMain = policy.Policy is not null || policy.PolicyString is not null;
        var hasSeparate = policy.ReportOnlyPolicy is not null || policy.ReportOnlyPolicyString is not null;
        if (enforce && !hasMain)
        {
            errors.Add(path + ":Policy", $"mode '{policy.Mode}' needs a policy: set Policy (directive -> sources) or PolicyString.");
        }
        else if (!enforce && !hasMain && !hasSeparate)
        {
            errors.Add(path + ":Policy", $"mode '{policy.Mode}' needs a policy: set Policy, PolicyString, ReportOnlyPolicy or ReportOnlyPolicyString.");
        }

        if (errors.Failures.Count != failuresBefore)
        {
            return null;
        }

        var enforced = enforce ? main : null;
        var reported = reportOnly ? separate ?? main : null;
        CspReportingDirectives.Add(enforced, root);
        CspReportingDirectives.Add(reported, root);

        var endpoints = root.ReportToEndpoint is { } url
            ? new StringValues($"{root.ReportToGroup}=\"{url}\"")
            : StringValues.Empty;

        return new CompiledCspPolicy(
            CspHeaderRenderer.Variant(enforced, reported, reportUri: true, reportTo: true, endpoints),
            CspHeaderRenderer.Variant(enforced, reported, reportUri: true, reportTo: !root.ReportToHttpsOnly, root.ReportToHttpsOnly ? StringValues.Empty : endpoints),
            CspHeaderRenderer.Variant(enforced, reported, reportUri: false, reportTo: false, StringValues.Empty));
    }
}

namespace Security.Csp.Internal.Policy;

/// <summary>
/// A weakness the linter found in one of the app's configured policies: <paramref name="Policy"/> (<c>default</c> or the
/// name given to <c>AddPolicy</c>), <paramref name="Disposition"/> (<c>enforce</c> or <c>report</c>), the directive, how
/// bad it is, a stable <paramref name="Kind"/> (e.g. <c>unsafe-inline</c>) and what to do.
/// </summary>
internal sealed record CspPolicyFinding(string Policy, string Disposition, string Directive, CspFindingSeverity Severity, string Kind, string Message);

/// <summary>How much a finding weakens the policy, as Google's CSP Evaluator grades them.</summary>
internal enum CspFindingSeverity
{
    /// <summary>The policy can be bypassed: injected markup can run script.</summary>
    High,

    /// <summary>A weakness that helps an attacker in some pages or browsers.</summary>
    Medium,

    /// <summary>Worth a look: an obsolete directive or an address instead of a name.</summary>
    Low,
}

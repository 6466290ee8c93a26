namespace Security.Csp;

/// <summary>
/// The values of <see cref="CspPolicyOptions.Mode"/>: which header(s) carry the policy.
/// </summary>
public static class CspModes
{
    /// <summary><c>enforce</c> (the default): sends <c>Content-Security-Policy</c>.</summary>
    public const string Enforce = "enforce";

    /// <summary><c>report-only</c>: sends <c>Content-Security-Policy-Report-Only</c>; nothing is blocked.</summary>
    public const string ReportOnly = "report-only";

    /// <summary><c>enforce-and-report-only</c>: sends both headers, e.g. to try a stricter policy beside the enforced one.</summary>
    public const string EnforceAndReportOnly = "enforce-and-report-only";
}

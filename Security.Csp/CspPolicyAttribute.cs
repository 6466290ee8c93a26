namespace Security.Csp;

/// <summary>Sends the named CSP policy on this controller, action, page or endpoint: <c>[CspPolicy("api")]</c>.</summary>
/// <param name="policyName">The name of a policy in <see cref="SecurityCspOptions.Policies"/>.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class CspPolicyAttribute(string policyName) : Attribute, ICspPolicyMetadata
{
    /// <inheritdoc />
    public string PolicyName { get; } = policyName ?? throw new ArgumentNullException(nameof(policyName));
}

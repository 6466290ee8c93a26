namespace Security.Csp;

/// <summary>Endpoint metadata naming the CSP policy to send instead of the default one.</summary>
public interface ICspPolicyMetadata
{
    /// <summary>The name of a policy in <see cref="SecurityCspOptions.Policies"/>, e.g. <c>api</c>.</summary>
    string PolicyName { get; }
}

namespace Security.Csp;

/// <summary>Endpoint metadata: the endpoint's responses get no CSP header. Wins over <see cref="ICspPolicyMetadata"/>.</summary>
public interface IDisableCspMetadata
{
}

namespace Security.Csp;

/// <summary>Sends no CSP header on this controller, action, page or endpoint: <c>[DisableCsp]</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableCspAttribute : Attribute, IDisableCspMetadata
{
}

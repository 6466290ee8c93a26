using Security.Headers.Internal;

namespace Security.Headers;

/// <summary>
/// Sends none of this package's headers on an endpoint's responses (e.g. a widget meant to be
/// framed by anyone, or a health check). Minimal APIs: <c>.DisableSecurityHeaders()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableSecurityHeadersAttribute : Attribute, ISecurityHeadersMetadata
{
}

using Security.Headers.Internal;

namespace Security.Headers;

/// <summary>
/// Marks an endpoint confidential: its responses get
/// <c>Cache-Control: no-cache, no-store, max-age=0, must-revalidate</c>, <c>Pragma: no-cache</c> and
/// <c>Expires: -1</c>, whatever the path options say. Minimal APIs: <c>.Confidential()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ConfidentialAttribute : Attribute, ISecurityHeadersMetadata
{
}

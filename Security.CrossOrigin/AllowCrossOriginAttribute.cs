using Security.CrossOrigin.Internal;

namespace Security.CrossOrigin;

/// <summary>
/// Turns the cross-origin protection off for an endpoint: requests from any site pass, whatever their method
/// (e.g. a payment provider's webhook, or an endpoint protected by antiforgery tokens or a bearer token instead).
/// Minimal APIs: <c>.AllowCrossOrigin()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AllowCrossOriginAttribute : Attribute, ICrossOriginMetadata
{
}

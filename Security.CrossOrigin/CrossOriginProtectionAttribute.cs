using Security.CrossOrigin.Internal;

namespace Security.CrossOrigin;

/// <summary>
/// Picks the protection mode of an endpoint, over <see cref="CrossOriginProtectionOptions.Mode"/>: e.g.
/// <c>[CrossOriginProtection(CrossOriginProtectionMode.ResourceIsolation)]</c> on an endpoint that returns private
/// JSON, or <see cref="CrossOriginProtectionMode.RequestForgery"/> on an image meant to be embedded by other sites when
/// the app isolates its resources. Minimal APIs: <c>.WithCrossOriginProtection(mode)</c>.
/// </summary>
/// <param name="mode">The endpoint's mode.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class CrossOriginProtectionAttribute(CrossOriginProtectionMode mode) : Attribute, ICrossOriginMetadata
{
    /// <summary>The endpoint's mode.</summary>
    public CrossOriginProtectionMode Mode { get; } = mode;
}

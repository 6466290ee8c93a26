namespace Security.Headers.Internal;

/// <summary>Registered by <c>AddSecurityHeaders</c> so <c>UseSecurityHeaders</c> can tell it was called.</summary>
internal sealed class SecurityHeadersMarker;

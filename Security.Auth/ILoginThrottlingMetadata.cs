namespace Security.Auth;

/// <summary>
/// Marks an endpoint as a login endpoint: every POST, PUT or other unsafe request routed to it is a login
/// attempt that <c>UseLoginThrottling()</c> counts and may refuse. Added by
/// <c>.RequireLoginThrottling()</c> or <see cref="LoginThrottlingAttribute"/>.
/// </summary>
public interface ILoginThrottlingMetadata
{
    /// <summary>
    /// Whether a throttled attempt re-renders the login page (the request replayed as a <c>GET</c> of the same
    /// path, with status 429 and an <see cref="ILoginThrottlingFeature"/>) instead of a bare 429.
    /// </summary>
    bool RenderLoginPage { get; }
}

namespace Security.Auth;

/// <summary>
/// Marks an MVC controller or action, or a Razor Pages page model, as a login endpoint whose attempts are
/// throttled by <c>UseLoginThrottling()</c>, e.g. <c>[LoginThrottling(RenderLoginPage = true)]</c> on the
/// login page's model. Minimal APIs use <c>.RequireLoginThrottling()</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class LoginThrottlingAttribute : Attribute, ILoginThrottlingMetadata
{
    /// <summary>
    /// Whether a throttled attempt re-renders the login page with the message (see
    /// <see cref="ILoginThrottlingFeature"/>) instead of a bare 429. Default <see langword="false"/>.
    /// </summary>
    public bool RenderLoginPage { get; set; }
}

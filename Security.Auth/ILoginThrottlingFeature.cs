namespace Security.Auth;

/// <summary>
/// Present on a throttled login attempt that is re-rendering the login page (see
/// <see cref="ILoginThrottlingMetadata.RenderLoginPage"/> and <see cref="LoginThrottlingOptions.LoginPagePaths"/>):
/// the page shows <see cref="Message"/>.
/// Read it with <c>HttpContext.Features.Get&lt;ILoginThrottlingFeature&gt;()</c>.
/// </summary>
public interface ILoginThrottlingFeature
{
    /// <summary>How long until the next attempt is allowed.</summary>
    TimeSpan RetryAfter { get; }

    /// <summary>
    /// The original's message, e.g. "Due to the failure of previous attempts, your login request has
    /// been denied as a security precaution. Please try again in at least 2 minutes."
    /// </summary>
    string Message { get; }
}

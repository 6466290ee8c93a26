namespace Security.Auth;

/// <summary>
/// Present on a request whose login attempt was refused by throttling (inside <c>SignInManager</c>, or through
/// <see cref="LoginThrottle.BeginAsync"/>): a login page shows <see cref="Message"/>, an API may send
/// <see cref="RetryAfter"/>. Read it with <c>HttpContext.Features.Get&lt;ILoginThrottlingFeature&gt;()</c>.
/// </summary>
public interface ILoginThrottlingFeature
{
    /// <summary>How long until the next attempt is allowed.</summary>
    TimeSpan RetryAfter { get; }

    /// <summary>
    /// The message to show, e.g. "Due to the failure of previous attempts, your login request has
    /// been denied as a security precaution. Please try again in at least 2 minutes."
    /// </summary>
    string Message { get; }
}

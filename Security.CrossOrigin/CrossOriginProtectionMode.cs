namespace Security.CrossOrigin;

/// <summary>What <c>UseCrossOriginProtection()</c> refuses, for the whole app (<see cref="CrossOriginProtectionOptions.Mode"/>) or one endpoint.</summary>
public enum CrossOriginProtectionMode
{
    /// <summary>
    /// The default: cross-site requests with an unsafe method (anything but GET, HEAD, OPTIONS) are refused, so
    /// another site cannot make a signed-in user's browser post a form or call an API (CSRF).
    /// </summary>
    RequestForgery = 0,

    /// <summary>
    /// <see cref="RequestForgery"/>, and also cross-site requests of any method that are not top-level navigations
    /// (<c>Sec-Fetch-Mode</c> other than <c>navigate</c>, or <c>Sec-Fetch-Dest</c> <c>object</c>/<c>embed</c>):
    /// another site cannot include your JSON as a script (XSSI), time your responses as images or read them
    /// through side channels (XS-Leaks). Links from other sites still work.
    /// </summary>
    ResourceIsolation = 1,
}

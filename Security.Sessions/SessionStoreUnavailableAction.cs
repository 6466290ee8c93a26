namespace Security.Sessions;

/// <summary>
/// What session expiry does with a signed-in request when the session store cannot be read (an
/// unreachable Redis, a timeout): <c>Security:Sessions:OnStoreUnavailable</c>. Anonymous requests
/// always go on: with the store down they cannot read session data either.
/// </summary>
public enum SessionStoreUnavailableAction
{
    /// <summary>
    /// Default: the user is signed out through <c>ISecurityLogoutHandler</c> and the request goes on
    /// anonymous, so a session whose inactivity cannot be checked never stays signed in.
    /// </summary>
    SignOut = 0,

    /// <summary>The request is answered <c>503 Service Unavailable</c> with <c>Retry-After</c>; the user stays signed in for when the store is back.</summary>
    Reject = 1,

    /// <summary>
    /// The request goes on signed in, checked against the absolute limit recorded in the
    /// authentication ticket only (inactivity cannot be checked). Logged as a warning at startup.
    /// </summary>
    Allow = 2,
}

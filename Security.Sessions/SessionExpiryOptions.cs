namespace Security.Sessions;

/// <summary>
/// Options of the session expiry policy (<c>Security:Sessions</c> in configuration).
/// </summary>
/// <example>
/// <code>
/// "Security": { "Sessions": { "AbsoluteTimeout": "08:00:00", "InactivityTimeout": "00:15:00", "ExemptPaths": [ "health$" ], "OnStoreUnavailable": "SignOut" } }
/// </code>
/// </example>
public sealed class SessionExpiryOptions
{
    /// <summary>The configuration section bound by <c>AddSessionExpiry</c>: <c>Security:Sessions</c>.</summary>
    public const string SectionName = "Security:Sessions";

    /// <summary>
    /// The longest a session may last from its start, however active the user is, so a stolen session cookie
    /// stops working. Default one day (<c>1.00:00:00</c>).
    /// </summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The longest a session may stay idle between two requests. Default 30 minutes (<c>00:30:00</c>). Last
    /// activity is stored once it has moved by a tenth of this, so a session may end up to that step early, never late.
    /// </summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Path patterns (regular expressions matched against the path without its leading slash,
    /// anchored at the start only, ignoring case as routing does) whose requests are neither checked
    /// nor counted as activity, e.g. <c>health$</c> for a monitoring probe or <c>api/poll(/|$)</c> for
    /// background polling. End a pattern with <c>$</c> or <c>(/|$)</c>: <c>health</c> also exempts
    /// <c>/healthcare-admin</c> (a startup warning says so). Empty by default.
    /// </summary>
    public IList<string> ExemptPaths { get; } = [];

    /// <summary>
    /// What a signed-in request gets when the session store cannot be read: <see cref="SessionStoreUnavailableAction.SignOut"/>
    /// (default), <see cref="SessionStoreUnavailableAction.Reject"/> (503) or <see cref="SessionStoreUnavailableAction.Allow"/>.
    /// </summary>
    public SessionStoreUnavailableAction OnStoreUnavailable { get; set; } = SessionStoreUnavailableAction.SignOut;
}

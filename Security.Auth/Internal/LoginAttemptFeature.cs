namespace Security.Auth.Internal;

/// <summary>Set on a login attempt while the app handles it; the sign-in observer marks it signed in.</summary>
internal sealed class LoginAttemptFeature
{
    public bool SignedIn { get; set; }
}

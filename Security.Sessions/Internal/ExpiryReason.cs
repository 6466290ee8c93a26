namespace Security.Sessions.Internal;

/// <summary>Why a session expired.</summary>
internal enum ExpiryReason
{
    None,
    Absolute,
    Inactivity,
}

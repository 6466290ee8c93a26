namespace Security.Sessions;

/// <summary>Why a session expired.</summary>
internal enum ExpiryReason
{
    None,
    Absolute,
    Inactivity,
}

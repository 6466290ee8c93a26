namespace Security.Persistence.Internal.Model;

/// <summary>One row of the password expiry table.</summary>
internal sealed class PasswordExpiryRow
{
    public string UserId { get; set; } = "";

    public DateTimeOffset? ExpiresAt { get; set; }
}

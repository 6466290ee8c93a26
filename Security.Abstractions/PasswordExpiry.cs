namespace Security.Abstractions;

/// <summary>
/// When a user's password expires: one record per user, kept by an <see cref="IPasswordExpiryStore"/>.
/// </summary>
/// <param name="UserId">The user's identifier (Identity's user id).</param>
/// <param name="ExpiresAt">The moment the password expires; <see langword="null"/> means it never does.</param>
public sealed record PasswordExpiry(string UserId, DateTimeOffset? ExpiresAt)
{
    /// <summary>Whether the password has expired at <paramref name="now"/> (expired when the date is at or before now).</summary>
    /// <param name="now">The current time.</param>
    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expiresAt && expiresAt <= now;
}

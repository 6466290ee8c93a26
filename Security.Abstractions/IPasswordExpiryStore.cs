namespace Security.Abstractions;

/// <summary>
/// Keeps one <see cref="PasswordExpiry"/> per user. Implementations:
/// <see cref="InMemoryPasswordExpiryStore"/> (default) and the EF Core store in Security.Persistence.
/// </summary>
public interface IPasswordExpiryStore
{
    /// <summary>Reads the user's record, or <see langword="null"/> when there is none.</summary>
    /// <param name="userId">The user's identifier.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    Task<PasswordExpiry?> FindAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the user's record, creating <paramref name="initial"/> atomically when there is none
    /// (two concurrent first checks create one record and both see it).
    /// </summary>
    /// <param name="initial">The record to create when none exists.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    Task<PasswordExpiry> GetOrCreateAsync(PasswordExpiry initial, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces the user's record.</summary>
    /// <param name="expiry">The new record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    Task SetAsync(PasswordExpiry expiry, CancellationToken cancellationToken = default);

    /// <summary>Deletes the user's record (when the user is deleted).</summary>
    /// <param name="userId">The user's identifier.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns><see langword="true"/> when a record was deleted.</returns>
    Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken = default);
}

namespace Security.Auth;

/// <summary>
/// Marks an endpoint that users whose password has expired may still reach (e.g. logout, a health check, a
/// static asset endpoint). Added by <c>.AllowExpiredPassword()</c> or <see cref="AllowExpiredPasswordAttribute"/>.
/// </summary>
public interface IAllowExpiredPasswordMetadata
{
}

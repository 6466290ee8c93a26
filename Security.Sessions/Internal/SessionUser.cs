using System.Security.Claims;

namespace Security.Sessions.Internal;

/// <summary>Who a session belongs to: the signed-in user's identifier, as recorded in the session and the ticket.</summary>
internal static class SessionUser
{
    /// <summary>The user's key (name identifier, else name); <see langword="null"/> for an anonymous principal.</summary>
    public static string? Key(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true } identity
            ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? identity.Name ?? ""
            : null;
}

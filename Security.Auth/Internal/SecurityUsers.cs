using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Security.Auth.Internal;

/// <summary>Defaults for deciding who a user is.</summary>
internal static class SecurityUsers
{
    /// <summary>The default superuser rule: the user is in role <c>Admin</c>.</summary>
    public static readonly Func<HttpContext, ClaimsPrincipal, ValueTask<bool>> IsInAdminRole =
        static (_, user) => ValueTask.FromResult(user.IsInRole("Admin"));

    /// <summary>The default user id: the <c>NameIdentifier</c> claim (Identity's user id), else the name.</summary>
    public static readonly Func<ClaimsPrincipal, string?> DefaultUserId =
        static user => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? user.Identity?.Name;

    public static bool IsAuthenticated(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true;
}

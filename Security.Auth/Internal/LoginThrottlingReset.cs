using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>
/// The administrator's reset endpoint (<c>MapLoginThrottlingReset</c>): clears one user name's failure counter.
/// Its logs use the category <c>Security.Auth.LoginThrottlingReset</c>.
/// </summary>
internal sealed partial class LoginThrottlingReset
{
    public const string Category = "Security.Auth.LoginThrottlingReset";

    // The longest user name looked up; a longer one names no user.
    private const int MaxUsernameLength = 1024;

    /// <summary>The form field naming the user whose counters are reset.</summary>
    public const string UsernameField = "username";

    private readonly LoginThrottlingOptions _options;
    private readonly LoginThrottlingKeys _keys;
    private readonly IdentityUserAccess? _identity;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LoginThrottlingReset(IOptions<LoginThrottlingOptions> options, LoginThrottlingKeys keys, TimeProvider time, ILoggerFactory loggers, IdentityUserAccess? identity = null)
    {
        _options = options.Value;
        _keys = keys;
        _identity = identity;
        _time = time;
        _logger = loggers.CreateLogger(Category);
    }

    public async Task ResetAsync(HttpContext context)
    {
        var user = context.User;
        if (!SecurityUsers.IsAuthenticated(user) || !await _options.IsSuperuser(context, user))
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, detail: null);
            return;
        }

        if (!await IsSameSiteRequestAsync(context))
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "The reset must come from a form of this site (antiforgery token or same-origin request).");
            return;
        }

        var typed = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted))[UsernameField].ToString().Trim()
            : "";
        var normalized = typed.Length is > 0 and <= MaxUsernameLength ? LoginThrottlingKeys.Normalize(context, typed) : null;
        if (normalized is null)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, detail: null);
            return;
        }

        // The store may be scoped (a DbContext): the request's own.
        var store = context.RequestServices.GetRequiredService<IThrottleCounterStore>();
        // Identity's throttled sign-ins count a user under the id Identity found; other logins under the name.
        var userId = _identity is not null ? await _identity.FindUserIdAsync(context, typed) : null;
        string[] keys = userId is not null ? [_keys.UserId(userId), _keys.TwoFactor(userId)] : [_keys.User(normalized)];
        var exists = _options.UserExists is { } userExists
            ? await userExists(context, typed)
            : _identity is not null
                ? userId is not null
                : await store.GetAsync(keys[0], _time.GetUtcNow(), context.RequestAborted) is not null;
        if (!exists)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, detail: null);
            return;
        }

        foreach (var key in keys)
        {
            await store.ResetAsync(key, context.RequestAborted);
        }

        Log.Reset(
            _logger,
            LogText.Escape(typed, LoginThrottle.MaxLoggedUsername) ?? "(none)",
            LogText.Escape(user.Identity?.Name, LoginThrottle.MaxLoggedUsername) ?? "(none)");
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task<bool> IsSameSiteRequestAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<IAntiforgery>() is { } antiforgery)
        {
            return await antiforgery.IsRequestValidAsync(context);
        }

        // No antiforgery in this app: rely on Fetch Metadata, which every current browser sends.
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        return !site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) && !site.Equals("same-site", StringComparison.OrdinalIgnoreCase);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1204, EventName = "ThrottleReset", Level = LogLevel.Information, Message = "Login failure counter of '{Username}' reset by '{Admin}'.")]
        public static partial void Reset(ILogger logger, string username, string admin);
    }
}

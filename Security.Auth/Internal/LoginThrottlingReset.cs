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
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!await IsSameSiteRequestAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var typed = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted))[_options.UsernameField].ToString().Trim()
            : "";
        var normalized = typed.Length is > 0 and <= MaxUsernameLength ? LoginThrottlingKeys.Normalize(context, typed) : null;
        if (normalized is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // The store may be scoped (a DbContext): the request's own.
        var store = context.RequestServices.GetRequiredService<IThrottleCounterStore>();
        var key = _keys.User(normalized);
        var exists = _options.UserExists is { } userExists
            ? await userExists(context, typed)
            : _identity is not null
                ? await _identity.UserExistsAsync(context, typed)
                : await store.GetAsync(key, _time.GetUtcNow(), context.RequestAborted) is not null;
        if (!exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await store.ResetAsync(key, context.RequestAborted);
        Log.Reset(
            _logger,
            LogText.Escape(typed, LoginThrottlingMiddleware.MaxLoggedUsername) ?? "(none)",
            LogText.Escape(user.Identity?.Name, LoginThrottlingMiddleware.MaxLoggedUsername) ?? "(none)");
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

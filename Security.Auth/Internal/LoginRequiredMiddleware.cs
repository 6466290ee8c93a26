using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>Sends anonymous users to the login page.</summary>
internal sealed partial class LoginRequiredMiddleware
{
    // The most characters of a request path written to a log line.
    private const int MaxLoggedPath = 256;

    private readonly RequestDelegate _next;
    private readonly LoginRequiredOptions _options;
    private readonly PathPatternMatcher _exempt;
    private readonly Func<HttpContext, ClaimsPrincipal, ValueTask<bool>>? _isInactive;
    private readonly ISecurityLogoutHandler _logout;
    private readonly IAuthenticationSchemeProvider? _schemes;
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookieOptions;
    private readonly UserCheckCache<bool> _activeUsers;
    private readonly ILogger _logger;
    private LoginTarget? _target;

    public LoginRequiredMiddleware(
        RequestDelegate next,
        IOptions<LoginRequiredOptions> options,
        ISecurityLogoutHandler logout,
        IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
        UserCheckCache<bool> activeUsers,
        IServiceProvider services,
        ILogger<LoginRequiredMiddleware> logger,
        IAuthenticationSchemeProvider? schemes = null)
    {
        _next = next;
        _options = options.Value;
        _exempt = PathPatternMatcher.Create(_options.ExemptPaths);
        foreach (var warning in PathPatternMatcher.FindOverMatching(_options.ExemptPaths, LoginRequiredOptions.SectionName + ":ExemptPaths"))
        {
            Log.ExemptionOverMatches(logger, warning);
        }

        var identity = services.GetService<IdentityUserAccess>();
        _isInactive = _options.IsInactive ?? (identity is not null ? (context, user) => IsInactiveInIdentityAsync(identity, context, user) : null);
        if (_options.IsInactive is null && identity is null && IdentityUserAccess.IsIdentityRegistered(services))
        {
            Log.IdentityNotConnected(logger);
        }
        else if (_options.IsInactive is null && identity is not null && _options.ValidationInterval > TimeSpan.Zero && !identity.ReportsUserChanges(services))
        {
            Log.UserChangesNotReported(logger, identity.UserTypeName, _options.ValidationInterval);
        }

        _logout = logout;
        _schemes = schemes;
        _cookieOptions = cookieOptions;
        _activeUsers = activeUsers;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IAuthenticationFeature>() is null)
        {
            throw new InvalidOperationException(
                "UseLoginRequired() found no authentication on the request: register authentication (services.AddAuthentication() or AddIdentity) and call app.UseAuthentication() before app.UseLoginRequired().");
        }

        var user = context.User;
        if (SecurityUsers.IsAuthenticated(user))
        {
            if (_isInactive is null || !await _isInactive(context, user))
            {
                await _next(context);
                return;
            }

            Log.InactiveUserLoggedOut(_logger, user.Identity?.Name);
            await _logout.LogoutAsync(context);
            context.User = new ClaimsPrincipal(new ClaimsIdentity());
        }

        var target = _target ??= await ResolveTargetAsync();
        var overridden = context.Features.Get<ILoginUrlFeature>()?.LoginUrl;
        if (IsExempt(context, target, overridden))
        {
            await _next(context);
            return;
        }

        var loginUrl = overridden ?? WithPathBase(context.Request, target.LoginUrl);
        if (context.Request.IsAjaxRequest())
        {
            Log.AjaxUnauthorized(_logger, LogText.Escape(context.Request.Path.Value, MaxLoggedPath));
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["login_url"] = loginUrl }), context.RequestAborted);
            return;
        }

        var location = overridden ?? BuildRedirect(context.Request, target);
        Log.RedirectingToLogin(_logger, LogText.Escape(context.Request.Path.Value, MaxLoggedPath));
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
    }

    // Only "active" is remembered: an inactive user's cookie is cleared at once, and an unlocked user who signs in
    // again must not be turned away by an old answer.
    private async ValueTask<bool> IsInactiveInIdentityAsync(IdentityUserAccess identity, HttpContext context, ClaimsPrincipal user)
    {
        if (identity.GetUserId(context, user) is not { } userId || _activeUsers.TryGet(userId, out _))
        {
            return false;
        }

        var version = _activeUsers.Version;
        if (await identity.IsInactiveAsync(context, userId))
        {
            return true;
        }

        _activeUsers.Set(userId, true, _options.ValidationInterval, version);
        return false;
    }

    private bool IsExempt(HttpContext context, LoginTarget target, string? overridden)
    {
        var path = context.Request.Path;
        if (IsLoginPath(context.Request, target.LoginPath) ||
            (overridden is not null && IsLoginPath(context.Request, UrlRules.PathOf(overridden))))
        {
            return true;
        }

        if (_exempt.IsMatch(path))
        {
            return true;
        }

        return context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null;
    }

    // Ignoring case and a trailing slash, as routing does, relative to the app or with its PathBase.
    private static bool IsLoginPath(HttpRequest request, string loginPath) =>
        SamePath(request.Path.Value, loginPath) || SamePath((request.PathBase + request.Path).Value, loginPath);

    private static bool SamePath(string? path, string loginPath) =>
        path is not null && path.AsSpan().TrimEnd('/').Equals(loginPath.AsSpan().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    // A local login URL is relative to the app, as the cookie handler's LoginPath is: under UsePathBase("/app") the
    // user is sent to /app/accounts/login/, not out of the app.
    private static string WithPathBase(HttpRequest request, string loginUrl) =>
        request.PathBase.HasValue && loginUrl.StartsWith('/') && !UrlRules.IsAbsoluteHttpUrl(loginUrl)
            ? request.PathBase.Value + loginUrl
            : loginUrl;

    internal static string BuildRedirect(HttpRequest request, LoginTarget target)
    {
        var loginUrl = WithPathBase(request, target.LoginUrl);
        var builder = new StringBuilder(loginUrl.Length + 64)
            .Append(loginUrl)
            .Append(loginUrl.Contains('?', StringComparison.Ordinal) ? '&' : '?')
            .Append(target.ReturnUrlParameter)
            .Append('=');
        UrlRules.Quote(builder, UrlRules.LocalPath((request.PathBase + request.Path).Value ?? "/"));
        if (request.QueryString.HasValue && request.QueryString.Value!.Length > 1)
        {
            // The original appends quote_plus("?" + query) to the quoted path.
            UrlRules.QuotePlus(builder, request.QueryString.Value);
        }

        return builder.ToString();
    }

    private async Task<LoginTarget> ResolveTargetAsync()
    {
        CookieAuthenticationOptions? cookie = null;
        if (_schemes is not null && await _schemes.GetDefaultChallengeSchemeAsync() is { } scheme &&
            typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType))
        {
            cookie = _cookieOptions.Get(scheme.Name);
        }

        var loginUrl = _options.LoginUrl ?? (cookie?.LoginPath.HasValue == true ? cookie.LoginPath.Value : null)
            ?? throw new InvalidOperationException(
                $"{LoginRequiredOptions.SectionName}:LoginUrl is not set and the default challenge scheme is not a cookie scheme with a LoginPath: set LoginUrl, e.g. /account/login.");
        var parameter = _options.ReturnUrlParameter
            ?? (cookie is not null && !string.IsNullOrEmpty(cookie.ReturnUrlParameter) ? cookie.ReturnUrlParameter : "next");
        return new LoginTarget(loginUrl, UrlRules.PathOf(loginUrl), parameter);
    }

    internal sealed record LoginTarget(string LoginUrl, string LoginPath, string ReturnUrlParameter);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, EventName = "RedirectingToLogin", Level = LogLevel.Debug, Message = "Anonymous request to {Path} redirected to the login page.")]
        public static partial void RedirectingToLogin(ILogger logger, string? path);

        [LoggerMessage(EventId = 1002, EventName = "AjaxUnauthorized", Level = LogLevel.Debug, Message = "Anonymous AJAX request to {Path} answered 401 with the login URL.")]
        public static partial void AjaxUnauthorized(ILogger logger, string? path);

        [LoggerMessage(EventId = 1003, EventName = "InactiveUserLoggedOut", Level = LogLevel.Information, Message = "Inactive user {UserName} logged out.")]
        public static partial void InactiveUserLoggedOut(ILogger logger, string? userName);

        [LoggerMessage(EventId = 1004, EventName = "LoginRequiredExemptionOverMatches", Level = LogLevel.Warning, Message = "{Warning}.")]
        public static partial void ExemptionOverMatches(ILogger logger, string warning);

        [LoggerMessage(EventId = 1005, EventName = "IdentityNotConnected", Level = LogLevel.Warning,
            Message = "ASP.NET Core Identity is registered, but not connected to Security.Auth: a locked-out or deleted user stays signed in. Call AddIdentity(...).AddPasswordExpiry(), which tells Security.Auth the user type and makes the user manager report changes.")]
        public static partial void IdentityNotConnected(ILogger logger);

        [LoggerMessage(EventId = 1006, EventName = "UserChangesNotReported", Level = LogLevel.Warning,
            Message = "UserManager<{UserType}> is not a PasswordExpiryUserManager: a lockout or deletion made through it takes effect within Security:Auth:LoginRequired:ValidationInterval ({Interval}), not on the next request. Derive your user manager from PasswordExpiryUserManager<{UserType}>.")]
        public static partial void UserChangesNotReported(ILogger logger, string userType, TimeSpan interval);
    }
}

using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>Sends anonymous users to sign in through the authentication scheme's own challenge.</summary>
internal sealed partial class LoginRequiredMiddleware
{
    // The most characters of a request path written to a log line.
    private const int MaxLoggedPath = 256;

    private readonly RequestDelegate _next;
    private readonly LoginRequiredOptions _options;
    private readonly PathPatternMatcher _exempt;
    private readonly Func<HttpContext, ClaimsPrincipal, ValueTask<bool>>? _isInactive;
    private readonly ISecurityLogoutHandler _logout;
    private readonly LoginRequiredSchemes _schemes;
    private readonly UserCheckCache<bool> _activeUsers;
    private readonly ILogger _logger;

    public LoginRequiredMiddleware(
        RequestDelegate next,
        IOptions<LoginRequiredOptions> options,
        ISecurityLogoutHandler logout,
        LoginRequiredSchemes schemes,
        UserCheckCache<bool> activeUsers,
        IServiceProvider services,
        ILogger<LoginRequiredMiddleware> logger)
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

        var schemes = await _schemes.GetAsync();
        if (schemes.Error is { } error)
        {
            throw new InvalidOperationException(error);
        }

        var overridden = context.Features.Get<ILoginUrlFeature>()?.LoginUrl;
        if (IsPublic(context, schemes, overridden))
        {
            await _next(context);
            return;
        }

        await ChallengeAsync(context, schemes, overridden);
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

    private bool IsPublic(HttpContext context, LoginRequiredSchemes.Result schemes, string? overridden)
    {
        // An error page the exception handler or the status-code pages re-execute: the visitor asked for something
        // else, and must see the error rather than a sign-in page. A client cannot set these features.
        if (context.Features.Get<IExceptionHandlerPathFeature>() is not null || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
        {
            return true;
        }

        var endpoint = context.GetEndpoint();
        var metadata = endpoint?.Metadata;
        if (metadata?.GetMetadata<IAllowAnonymous>() is not null || metadata?.GetMetadata<StaticAssetDescriptor>() is not null
            || metadata?.GetMetadata<LoginNotRequiredAttribute>() is not null || BlazorCircuitEndpoints.IsDisconnect(endpoint))
        {
            return true;
        }

        return schemes.IsPublicPath(context.Request)
            || (overridden is not null && UrlRules.IsSamePath(context.Request, UrlRules.PathOf(overridden)))
            || _exempt.IsMatch(context.Request.Path);
    }

    // The scheme's own challenge decides between a redirect and a status code (the cookie handler answers 401 to
    // endpoints marked as APIs and to its own AJAX check, a bearer scheme always does); login-required only says
    // where a redirect goes when the app configured a place of its own, and adds the login URL to an AJAX 401.
    private async Task ChallengeAsync(HttpContext context, LoginRequiredSchemes.Result schemes, string? overridden)
    {
        var request = context.Request;
        var returnUrl = UrlRules.ReturnUrl(request);
        await context.ChallengeAsync(schemes.ChallengeScheme, new AuthenticationProperties { RedirectUri = returnUrl });
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var redirected = response.StatusCode is >= 300 and < 400 && response.Headers.Location.Count > 0;
        if (redirected && (overridden is not null || _options.LoginUrl is not null))
        {
            response.Headers.Location = overridden ?? LoginUrlRedirect(request, _options.LoginUrl!, schemes.ReturnUrlParameter, returnUrl);
        }

        if (request.IsAjaxRequest() && (redirected || response.StatusCode == StatusCodes.Status401Unauthorized) &&
            (overridden ?? LoginUrlOf(request, schemes, response)) is { } loginUrl)
        {
            Log.AjaxUnauthorized(_logger, LogText.Escape(request.Path.Value, MaxLoggedPath));
            // Problem details with the login URL as a member when the app has them; else the original's JSON.
            if (!await ProblemResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, detail: null, [new("login_url", loginUrl)]))
            {
                response.ContentType = "application/json";
                await response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["login_url"] = loginUrl }), context.RequestAborted);
            }

            return;
        }

        Log.Challenged(_logger, LogText.Escape(request.Path.Value, MaxLoggedPath), response.StatusCode);
    }

    private static string LoginUrlRedirect(HttpRequest request, string loginUrl, string parameter, string returnUrl) =>
        UrlRules.WithPathBase(request, loginUrl) + (loginUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + QueryString.Create(parameter, returnUrl).Value![1..];

    // The login page without a return parameter, as the original's login_url: the configured one, else the cookie
    // scheme's, else (a policy scheme that forwarded to a cookie scheme) where the challenge pointed.
    private string? LoginUrlOf(HttpRequest request, LoginRequiredSchemes.Result schemes, HttpResponse response)
    {
        if ((_options.LoginUrl ?? schemes.CookieLoginPath) is { } loginUrl)
        {
            return UrlRules.WithPathBase(request, loginUrl);
        }

        var location = response.Headers.Location.ToString();
        if (location.Length == 0)
        {
            return null;
        }

        var query = location.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? location : location[..query];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, EventName = "LoginChallenge", Level = LogLevel.Debug, Message = "Anonymous request to {Path} challenged by the authentication scheme: {StatusCode}.")]
        public static partial void Challenged(ILogger logger, string? path, int statusCode);

        [LoggerMessage(EventId = 1002, EventName = "AjaxUnauthorized", Level = LogLevel.Debug, Message = "Anonymous AJAX request to {Path} answered 401 with the login URL.")]
        public static partial void AjaxUnauthorized(ILogger logger, string? path);

        [LoggerMessage(EventId = 1003, EventName = "InactiveUserLoggedOut", Level = LogLevel.Information, Message = "Inactive user {UserName} logged out.")]
        public static partial void InactiveUserLoggedOut(ILogger logger, string? userName);

        [LoggerMessage(EventId = 1004, EventName = "LoginRequiredExemptionOverMatches", Level = LogLevel.Warning, Message = "A path pattern matches more paths than it names: {Warning}.")]
        public static partial void ExemptionOverMatches(ILogger logger, string warning);

        [LoggerMessage(EventId = 1005, EventName = "IdentityNotConnected", Level = LogLevel.Warning,
            Message = "ASP.NET Core Identity is registered, but not connected to Security.Auth: a locked-out or deleted user stays signed in. Call AddIdentity(...).AddPasswordExpiry(), which tells Security.Auth the user type and makes the user manager report changes.")]
        public static partial void IdentityNotConnected(ILogger logger);

        [LoggerMessage(EventId = 1006, EventName = "UserChangesNotReported", Level = LogLevel.Warning,
            Message = "UserManager<{UserType}> is not a PasswordExpiryUserManager: a lockout or deletion made through it takes effect within Security:Auth:LoginRequired:ValidationInterval ({Interval}), not on the next request. Derive your user manager from PasswordExpiryUserManager<{UserType}>.")]
        public static partial void UserChangesNotReported(ILogger logger, string userType, TimeSpan interval);
    }
}

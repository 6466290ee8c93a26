using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>Sends users whose password expired to the change page.</summary>
internal sealed partial class PasswordExpiryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly PasswordExpiryOptions _options;
    private readonly string _changeUrl;
    private readonly bool _changeUrlIsLocal;
    private readonly PathPatternMatcher _changePath;
    private readonly PathPatternMatcher _exempt;
    private readonly HashSet<string> _exemptNames;
    private readonly PasswordExpiryManager _manager;
    private readonly ILogger _logger;

    public PasswordExpiryMiddleware(RequestDelegate next, IOptions<PasswordExpiryOptions> options, PasswordExpiryManager manager, ILogger<PasswordExpiryMiddleware> logger)
    {
        _next = next;
        _options = options.Value;
        _changeUrl = _options.ChangePasswordUrl
            ?? throw new InvalidOperationException($"{PasswordExpiryOptions.SectionName}:ChangePasswordUrl is required: call services.AddPasswordExpiry(o => o.ChangePasswordUrl = \"/account/change-password\").");
        _changeUrlIsLocal = !UrlRules.IsAbsoluteHttpUrl(_changeUrl);
        _changePath = PathPatternMatcher.CreateExact([UrlRules.PathOf(_changeUrl)]);
        _exempt = PathPatternMatcher.Create(_options.ExemptPaths);
        foreach (var warning in PathPatternMatcher.FindOverMatching(_options.ExemptPaths, PasswordExpiryOptions.SectionName + ":ExemptPaths"))
        {
            Log.ExemptionOverMatches(logger, warning);
        }

        _exemptNames = new HashSet<string>(_options.ExemptEndpointNames, StringComparer.Ordinal);
        _manager = manager;
        _logger = logger;
    }

    // Anonymous requests pass straight on, without an async state machine.
    public Task InvokeAsync(HttpContext context) =>
        SecurityUsers.IsAuthenticated(context.User) ? InvokeSignedInAsync(context) : _next(context);

    private async Task InvokeSignedInAsync(HttpContext context)
    {
        var user = context.User;
        if (await IsExemptAsync(context, user) ||
            _options.UserId(user) is not { } userId || !await _manager.IsExpiredAsync(userId, context.RequestAborted))
        {
            await _next(context);
            return;
        }

        Log.PasswordExpired(_logger, userId, LogText.Escape(context.Request.Path.Value, 256));
        context.Response.StatusCode = StatusCodes.Status302Found;
        // A local change URL is relative to the app, as the cookie handler's LoginPath is: under UsePathBase("/app")
        // it is /app/account/change-password.
        context.Response.Headers.Location = _changeUrlIsLocal ? (context.Request.PathBase + _changeUrl).ToString() : _changeUrl;
    }

    private async ValueTask<bool> IsExemptAsync(HttpContext context, ClaimsPrincipal user)
    {
        var request = context.Request;
        if (_changePath.IsMatch(request.Path) || _changePath.IsMatch(request.PathBase + request.Path) || _exempt.IsMatch(request.Path))
        {
            return true;
        }

        // Static-asset endpoints (MapStaticAssets) too: the change page needs its CSS and scripts.
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<IAllowExpiredPasswordMetadata>() is not null || endpoint?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
        {
            return true;
        }

        if (_exemptNames.Count > 0 && endpoint is not null &&
            ((endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } name && _exemptNames.Contains(name)) ||
             (endpoint.Metadata.GetMetadata<IRouteNameMetadata>()?.RouteName is { } route && _exemptNames.Contains(route))))
        {
            return true;
        }

        return !_options.IncludeSuperusers && await _options.IsSuperuser(context, user);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, EventName = "PasswordExpired", Level = LogLevel.Information, Message = "Password of user {UserId} has expired: request to {Path} redirected to the change page.")]
        public static partial void PasswordExpired(ILogger logger, string userId, string? path);

        [LoggerMessage(EventId = 1105, EventName = "PasswordExpiryExemptionOverMatches", Level = LogLevel.Warning, Message = "A path pattern matches more paths than it names: {Warning}.")]
        public static partial void ExemptionOverMatches(ILogger logger, string warning);
    }
}

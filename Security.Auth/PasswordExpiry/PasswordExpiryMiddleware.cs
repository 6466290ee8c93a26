using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth;

/// <summary>Sends users whose password expired to the change page (PARITY.md "Mandatory password change").</summary>
internal sealed partial class PasswordExpiryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly PasswordExpiryOptions _options;
    private readonly string _changeUrl;
    private readonly string _changePath;
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
        _changePath = UrlRules.PathOf(_changeUrl);
        _exempt = PathPatternMatcher.Create(_options.ExemptPaths);
        _exemptNames = new HashSet<string>(_options.ExemptEndpointNames, StringComparer.Ordinal);
        _manager = manager;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        if (!SecurityUsers.IsAuthenticated(user) || await IsExemptAsync(context, user).ConfigureAwait(false) ||
            _options.UserId(user) is not { } userId || !await _manager.IsExpiredAsync(userId, context.RequestAborted).ConfigureAwait(false))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        Log.PasswordExpired(_logger, userId, context.Request.Path.Value);
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = _changeUrl;
    }

    private async ValueTask<bool> IsExemptAsync(HttpContext context, ClaimsPrincipal user)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (string.Equals(path, _changePath, StringComparison.OrdinalIgnoreCase) ||
            string.Equals((request.PathBase + request.Path).Value, _changePath, StringComparison.OrdinalIgnoreCase) ||
            _exempt.IsMatch(path) ||
            (_options.SkipStaticFiles && HasFileExtension(path)))
        {
            return true;
        }

        if (_exemptNames.Count > 0 && context.GetEndpoint() is { } endpoint &&
            ((endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } name && _exemptNames.Contains(name)) ||
             (endpoint.Metadata.GetMetadata<IRouteNameMetadata>()?.RouteName is { } route && _exemptNames.Contains(route))))
        {
            return true;
        }

        return !_options.IncludeSuperusers && await _options.IsSuperuser(context, user).ConfigureAwait(false);
    }

    // A static asset's path ends in a segment with an extension: /css/site.css, /favicon.ico.
    private static bool HasFileExtension(string path)
    {
        var segment = path.AsSpan(path.LastIndexOf('/') + 1);
        var dot = segment.LastIndexOf('.');
        return dot > 0 && dot < segment.Length - 1;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1101, EventName = "PasswordExpired", Level = LogLevel.Information, Message = "Password of user {UserId} has expired: request to {Path} redirected to the change page.")]
        public static partial void PasswordExpired(ILogger logger, string userId, string? path);
    }
}

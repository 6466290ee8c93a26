using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth;

/// <summary>Refuses login attempts after repeated failures (PARITY.md "Login throttling").</summary>
internal sealed partial class LoginThrottlingMiddleware
{
    private const string NoUsername = "notfound";

    private readonly RequestDelegate _next;
    private readonly LoginThrottlingOptions _options;
    private readonly HashSet<string> _loginPaths;
    private readonly HashSet<string> _pagePaths;
    // Seconds a client waits before retrying when the counter store cannot be read.
    private static readonly Microsoft.Extensions.Primitives.StringValues StoreRetryAfter = "5";

    private readonly IThrottleCounterStore _store;
    private readonly TimeProvider _time;
    private readonly LoginThrottlingMetrics _metrics;
    private readonly IAuthenticationSchemeProvider? _schemes;
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookieOptions;
    private readonly ILogger _logger;
    private string? _cookieName;

    public LoginThrottlingMiddleware(
        RequestDelegate next,
        IOptions<LoginThrottlingOptions> options,
        IThrottleCounterStore store,
        TimeProvider time,
        LoginThrottlingMetrics metrics,
        IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
        ILogger<LoginThrottlingMiddleware> logger,
        IAuthenticationSchemeProvider? schemes = null)
    {
        _next = next;
        _options = options.Value;
        _loginPaths = new HashSet<string>(_options.LoginPaths, StringComparer.OrdinalIgnoreCase);
        _pagePaths = new HashSet<string>(_options.LoginPagePaths, StringComparer.OrdinalIgnoreCase);
        _store = store;
        _time = time;
        _metrics = metrics;
        _schemes = schemes;
        _cookieOptions = cookieOptions;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value;
        if (!(HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method)) || path is null || !_loginPaths.Contains(path))
        {
            await _next(context).ConfigureAwait(false);
            return;
        }

        var userKey = "user:" + await ReadUsernameAsync(request).ConfigureAwait(false);
        var ipKey = "ip:" + ClientAddress(context);
        var now = _time.GetUtcNow();
        var cancel = context.RequestAborted;

        TimeSpan delay;
        try
        {
            delay = await RemainingDelayAsync(userKey, ipKey, now, cancel).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail closed: without the counters an attacker could guess without limit.
            Log.StoreUnavailable(_logger, userKey, ipKey, ex);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = StoreRetryAfter;
            return;
        }

        if (delay > TimeSpan.Zero)
        {
            await RefuseAsync(context, userKey, ipKey, delay).ConfigureAwait(false);
            return;
        }

        var succeeded = false;
        try
        {
            await _next(context).ConfigureAwait(false);
            succeeded = await IsSuccessAsync(context).ConfigureAwait(false);
        }
        finally
        {
            // Counted after the response, even when the app threw: a failure is a failure.
            await RecordAsync(succeeded, userKey, ipKey).ConfigureAwait(false);
        }
    }

    private async Task RecordAsync(bool succeeded, string userKey, string ipKey)
    {
        try
        {
            if (succeeded)
            {
                await _store.ResetAsync(userKey, CancellationToken.None).ConfigureAwait(false);
                await _store.ResetAsync(ipKey, CancellationToken.None).ConfigureAwait(false);
                Log.LoginSucceeded(_logger, userKey, ipKey);
            }
            else
            {
                var done = _time.GetUtcNow();
                var userCount = await _store.IncrementAsync(userKey, done, CancellationToken.None).ConfigureAwait(false);
                var ipCount = await _store.IncrementAsync(ipKey, done, CancellationToken.None).ConfigureAwait(false);
                _metrics.Failed();
                Log.LoginFailed(_logger, userKey, userCount.Count, ipKey, ipCount.Count);
            }
        }
        catch (Exception ex)
        {
            // The app's answer stands (it may already be sent, or an app exception is on its way
            // out and must not be masked); the lost count is logged as an error.
            Log.RecordFailed(_logger, succeeded, userKey, ipKey, ex);
        }
    }

    // The connection's address, which UseForwardedHeaders() rewrites when the app uses it.
    private static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { IsIPv4MappedToIPv6: true } mapped => mapped.MapToIPv4().ToString(),
        var address => address.ToString(),
    };

    private async Task<string> ReadUsernameAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return NoUsername;
        }

        try
        {
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
            var value = form[_options.UsernameField].ToString();
            return value.Length == 0 ? NoUsername : value.ToLowerInvariant();
        }
        catch (InvalidDataException)
        {
            return NoUsername;
        }
    }

    private async Task<TimeSpan> RemainingDelayAsync(string userKey, string ipKey, DateTimeOffset now, CancellationToken cancel)
    {
        var user = await _store.GetAsync(userKey, now, cancel).ConfigureAwait(false);
        var ip = await _store.GetAsync(ipKey, now, cancel).ConfigureAwait(false);
        if (user is null && ip is null)
        {
            return TimeSpan.Zero;
        }

        var (userDelay, ipDelay) = _options.DelayFunction(user?.Count ?? 0, ip?.Count ?? 0);
        var remaining = TimeSpan.Zero;
        // A zero delay never throttles: a concurrent attempt's failure can be stamped after this attempt's "now".
        if (user is not null && userDelay > TimeSpan.Zero && user.LastFailure + userDelay - now > remaining)
        {
            remaining = user.LastFailure + userDelay - now;
        }

        if (ip is not null && ipDelay > TimeSpan.Zero && ip.LastFailure + ipDelay - now > remaining)
        {
            remaining = ip.LastFailure + ipDelay - now;
        }

        return remaining;
    }

    private async Task RefuseAsync(HttpContext context, string userKey, string ipKey, TimeSpan delay)
    {
        _metrics.Throttled();
        Log.LoginThrottled(_logger, userKey, ipKey, delay.TotalSeconds);
        var message = ThrottleMessages.Denied(delay);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

        if (_pagePaths.Contains(context.Request.Path.Value!))
        {
            if (context.GetEndpoint() is not null)
            {
                throw new InvalidOperationException(
                    $"{LoginThrottlingOptions.SectionName}:LoginPagePaths re-renders the login page, which needs routing after throttling: call app.UseLoginThrottling() before app.UseRouting().");
            }

            // Replayed as a GET of the login page: the app renders its form, showing the message; no
            // handler that signs in runs, and the attempt is not counted.
            context.Features.Set<ILoginThrottlingFeature>(new LoginThrottlingFeature(delay, message));
            context.Request.Method = HttpMethods.Get;
            await _next(context).ConfigureAwait(false);
            return;
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message, context.RequestAborted).ConfigureAwait(false);
    }

    private async ValueTask<bool> IsSuccessAsync(HttpContext context)
    {
        if (_options.IsSuccessfulLogin is { } rule)
        {
            return rule(context);
        }

        var name = _cookieName ??= await ResolveCookieNameAsync().ConfigureAwait(false);
        foreach (var header in context.Response.Headers.SetCookie)
        {
            // "name=value; ..." with a non-empty value: a sign-in (sign-out sets an empty value).
            if (header is not null && header.Length > name.Length + 1 && header.StartsWith(name, StringComparison.Ordinal) &&
                header[name.Length] == '=' && header[name.Length + 1] != ';')
            {
                return true;
            }
        }

        return false;
    }

    private async Task<string> ResolveCookieNameAsync()
    {
        var scheme = _options.SignInScheme;
        if (scheme is null && _schemes is not null)
        {
            scheme = (await _schemes.GetDefaultAuthenticateSchemeAsync().ConfigureAwait(false))?.Name;
        }

        if (scheme is null)
        {
            throw new InvalidOperationException(
                $"UseLoginThrottling() cannot tell a successful sign-in: no default authenticate scheme. Set {LoginThrottlingOptions.SectionName}:SignInScheme or IsSuccessfulLogin.");
        }

        return _cookieOptions.Get(scheme).Cookie.Name ?? CookieAuthenticationDefaults.CookiePrefix + scheme;
    }

    private sealed record LoginThrottlingFeature(TimeSpan RetryAfter, string Message) : ILoginThrottlingFeature;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "LoginThrottled", Level = LogLevel.Warning, Message = "Login attempt for {UserKey} from {IpKey} throttled for {DelaySeconds} more seconds.")]
        public static partial void LoginThrottled(ILogger logger, string userKey, string ipKey, double delaySeconds);

        [LoggerMessage(EventId = 1202, EventName = "LoginFailed", Level = LogLevel.Information, Message = "Failed login for {UserKey} ({UserFailures} failures) from {IpKey} ({IpFailures} failures).")]
        public static partial void LoginFailed(ILogger logger, string userKey, long userFailures, string ipKey, long ipFailures);

        [LoggerMessage(EventId = 1205, EventName = "ThrottleStoreUnavailable", Level = LogLevel.Error, Message = "Login attempt for {UserKey} from {IpKey} refused with 503: the throttle counter store could not be read.")]
        public static partial void StoreUnavailable(ILogger logger, string userKey, string ipKey, Exception exception);

        [LoggerMessage(EventId = 1206, EventName = "ThrottleRecordFailed", Level = LogLevel.Error, Message = "Login outcome (succeeded: {Succeeded}) for {UserKey} from {IpKey} not recorded: the throttle counter store failed.")]
        public static partial void RecordFailed(ILogger logger, bool succeeded, string userKey, string ipKey, Exception exception);

        [LoggerMessage(EventId = 1203, EventName = "LoginSucceeded", Level = LogLevel.Debug, Message = "Successful login for {UserKey} from {IpKey}: counters reset.")]
        public static partial void LoginSucceeded(ILogger logger, string userKey, string ipKey);
    }
}

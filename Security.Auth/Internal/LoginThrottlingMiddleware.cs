using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>Refuses login attempts after repeated failures.</summary>
internal sealed partial class LoginThrottlingMiddleware
{
    // Seconds a client waits before retrying when the counter store cannot be read.
    private static readonly StringValues StoreRetryAfter = "5";

    /// <summary>The most characters of a typed user name written to a log line.</summary>
    public const int MaxLoggedUsername = 64;

    private readonly RequestDelegate _next;
    private readonly RequestDelegate _replay;
    private readonly LoginThrottlingOptions _options;
    private readonly PathPatternMatcher _loginPaths;
    private readonly PathPatternMatcher _pagePaths;
    private readonly LoginUsernameReader _usernames;
    private readonly LoginThrottlingKeys _keys;
    private readonly TimeProvider _time;
    private readonly LoginThrottlingMetrics _metrics;
    private readonly ILogger _logger;

    public LoginThrottlingMiddleware(
        RequestDelegate next,
        LoginPageReplay replay,
        IOptions<LoginThrottlingOptions> options,
        IServiceScopeFactory scopes,
        LoginUsernameReader usernames,
        LoginThrottlingKeys keys,
        TimeProvider time,
        LoginThrottlingMetrics metrics,
        ILogger<LoginThrottlingMiddleware> logger,
        IHostEnvironment? environment = null)
    {
        _next = next;
        _replay = replay.Pipeline ?? next;
        _options = options.Value;
        _loginPaths = PathPatternMatcher.CreateExact(_options.LoginPaths);
        _pagePaths = PathPatternMatcher.CreateExact(_options.LoginPagePaths);
        // The store may be scoped (a DbContext): requests use their own scope's; this check a scope of its own.
        using var scope = scopes.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<IThrottleCounterStore>();
        _usernames = usernames;
        _keys = keys;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        if (_options.UsernameHashKey is null && store is not InMemoryThrottleCounterStore)
        {
            // Each instance would hash with its own random key and count one user under different keys.
            throw new InvalidOperationException(
                $"{LoginThrottlingOptions.SectionName}:UsernameHashKey is not set, but counters live in a shared store ({store.GetType().Name}): set one secret of at least {LoginThrottlingOptionsValidator.MinHashKeyLength} characters for every instance, e.g. from 'openssl rand -base64 32' in a secret store.");
        }

        if (store is InMemoryThrottleCounterStore && environment is not null && !environment.IsDevelopment())
        {
            Log.PerInstanceCounters(_logger);
        }
    }

    // Most requests are not login attempts: they pass straight on, without an async state machine.
    public Task InvokeAsync(HttpContext context) =>
        IsAttempt(context, out var renderPage) ? InvokeAttemptAsync(context, renderPage) : _next(context);

    private async Task InvokeAttemptAsync(HttpContext context, bool renderPage)
    {
        var read = await _usernames.ReadAsync(context);
        var ipKey = LoginThrottlingKeys.Ip(context);
        var typed = read.Username;
        var normalized = typed is null ? null : LoginThrottlingKeys.Normalize(context, typed);
        if (read.Status is not null || (typed is not null && normalized is null))
        {
            await RefuseMalformedAsync(context, read.Status ?? StatusCodes.Status400BadRequest, read.Reason ?? "user name is not valid Unicode", ipKey);
            return;
        }

        var userKey = normalized is null ? null : _keys.User(normalized);
        var name = LogText.Escape(typed, MaxLoggedUsername) ?? "(none)";
        TimeSpan delay;
        try
        {
            delay = await ReserveAsync(Store(context), userKey, ipKey, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail closed: without the counters an attacker could guess without limit.
            Log.StoreUnavailable(_logger, name, ipKey, ex);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = StoreRetryAfter;
            return;
        }

        if (delay > TimeSpan.Zero)
        {
            await RefuseAsync(context, name, ipKey, delay, renderPage);
            return;
        }

        var attempt = new LoginAttemptFeature();
        context.Features.Set(attempt);
        var succeeded = false;
        try
        {
            await _next(context);
            succeeded = _options.IsSuccessfulLogin is { } rule ? rule(context) : attempt.SignedIn;
        }
        finally
        {
            context.Features.Set<LoginAttemptFeature>(null);
            // The failure was counted when the attempt was reserved; a success clears both counters.
            await RecordAsync(Store(context), succeeded, userKey, ipKey, name);
        }
    }

    private bool IsAttempt(HttpContext context, out bool renderPage)
    {
        renderPage = false;
        var request = context.Request;
        var method = request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method))
        {
            return false;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<ILoginThrottlingMetadata>() is { } metadata)
        {
            renderPage = metadata.RenderLoginPage || MatchesEither(_pagePaths, request);
            return true;
        }

        if (MatchesEither(_loginPaths, request))
        {
            renderPage = MatchesEither(_pagePaths, request);
            return true;
        }

        return false;
    }

    // Relative to the app (PathBase removed, as routing sees it) or, for paths configured with the base, whole.
    private static bool MatchesEither(PathPatternMatcher paths, HttpRequest request) =>
        !paths.IsEmpty && (paths.IsMatch(request.Path) || (request.PathBase.HasValue && paths.IsMatch(request.PathBase + request.Path)));

    // Counts the attempt before the app runs, then decides from the reserved counts, so concurrent attempts cannot
    // all pass through one open window: of N racing attempts, only those the counts allow go on.
    private static IThrottleCounterStore Store(HttpContext context) => context.RequestServices.GetRequiredService<IThrottleCounterStore>();

    private async Task<TimeSpan> ReserveAsync(IThrottleCounterStore store, string? userKey, string ipKey, CancellationToken cancel)
    {
        var now = _time.GetUtcNow();
        var userBefore = userKey is null ? null : await store.GetAsync(userKey, now, cancel);
        var ipBefore = await store.GetAsync(ipKey, now, cancel);
        var delay = Remaining(userBefore?.Count ?? 0, userBefore?.LastFailure, ipBefore?.Count ?? 0, ipBefore?.LastFailure, now);
        if (delay > TimeSpan.Zero)
        {
            // Refused before counting: waiting out a delay is not a failure.
            return delay;
        }

        var userAfter = userKey is null ? null : await store.IncrementAsync(userKey, now, CancellationToken.None);
        var ipAfter = await store.IncrementAsync(ipKey, now, CancellationToken.None);

        // An attempt that reserved right after ours read the counters left a count one higher than we read; its
        // failure is as recent as its reservation.
        var (userCount, userStamp) = Prior(userBefore, userAfter);
        var (ipCount, ipStamp) = Prior(ipBefore, ipAfter);
        return Remaining(userCount, userStamp, ipCount, ipStamp, now);
    }

    private static (long Count, DateTimeOffset? Stamp) Prior(ThrottleCounter? before, ThrottleCounter? after)
    {
        if (after is null)
        {
            return (0, null);
        }

        var prior = after.Count - 1;
        return prior == (before?.Count ?? 0) ? (prior, before?.LastFailure) : (prior, after.LastFailure);
    }

    private TimeSpan Remaining(long userCount, DateTimeOffset? userStamp, long ipCount, DateTimeOffset? ipStamp, DateTimeOffset now)
    {
        if (userStamp is null && ipStamp is null)
        {
            return TimeSpan.Zero;
        }

        var (userDelay, ipDelay) = _options.DelayFunction(userCount, ipCount);
        var remaining = TimeSpan.Zero;
        // A zero delay never throttles: a concurrent attempt's failure can be stamped after this attempt's "now".
        if (userStamp is { } user && userDelay > TimeSpan.Zero && user + userDelay - now > remaining)
        {
            remaining = user + userDelay - now;
        }

        if (ipStamp is { } ip && ipDelay > TimeSpan.Zero && ip + ipDelay - now > remaining)
        {
            remaining = ip + ipDelay - now;
        }

        return remaining;
    }

    private async Task RecordAsync(IThrottleCounterStore store, bool succeeded, string? userKey, string ipKey, string name)
    {
        if (!succeeded)
        {
            _metrics.Failed();
            Log.LoginFailed(_logger, name, ipKey);
            return;
        }

        try
        {
            if (userKey is not null)
            {
                await store.ResetAsync(userKey, CancellationToken.None);
            }

            await store.ResetAsync(ipKey, CancellationToken.None);
            Log.LoginSucceeded(_logger, name, ipKey);
        }
        catch (Exception ex)
        {
            // The app's answer stands (it may already be sent, or an app exception is on its way out and must not
            // be masked); the lost reset is logged as an error.
            Log.RecordFailed(_logger, succeeded, name, ipKey, ex);
        }
    }

    // An attempt that names no single user, or one the app could not look up, never reaches the app; it still
    // counts against the client address, so refusals are no free guesses.
    private async Task RefuseMalformedAsync(HttpContext context, int status, string reason, string ipKey)
    {
        Log.AttemptRefused(_logger, status, reason, ipKey);
        try
        {
            await Store(context).IncrementAsync(ipKey, _time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.RecordFailed(_logger, false, "(refused)", ipKey, ex);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(
            status == StatusCodes.Status413PayloadTooLarge ? "The login request is too large." : "The login request is not valid.",
            context.RequestAborted);
    }

    private async Task RefuseAsync(HttpContext context, string name, string ipKey, TimeSpan delay, bool renderPage)
    {
        _metrics.Throttled();
        Log.LoginThrottled(_logger, name, ipKey, delay.TotalSeconds);
        var message = ThrottleMessages.Denied(delay);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

        if (renderPage)
        {
            // Replayed as a GET of the login page, routed again: the app renders its form, showing the message; no
            // handler that signs in runs.
            context.Features.Set<ILoginThrottlingFeature>(new LoginThrottlingFeature(delay, message));
            context.Request.Method = HttpMethods.Get;
            context.SetEndpoint(null);
            context.Request.RouteValues.Clear();
            await _replay(context);
            return;
        }

        response.ContentType = "text/plain; charset=utf-8";
        await response.WriteAsync(message, context.RequestAborted);
    }

    private sealed record LoginThrottlingFeature(TimeSpan RetryAfter, string Message) : ILoginThrottlingFeature;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "LoginThrottled", Level = LogLevel.Warning, Message = "Login attempt for '{Username}' from {IpKey} throttled for {DelaySeconds} more seconds.")]
        public static partial void LoginThrottled(ILogger logger, string username, string ipKey, double delaySeconds);

        [LoggerMessage(EventId = 1202, EventName = "LoginFailed", Level = LogLevel.Information, Message = "Failed login for '{Username}' from {IpKey}.")]
        public static partial void LoginFailed(ILogger logger, string username, string ipKey);

        [LoggerMessage(EventId = 1203, EventName = "LoginSucceeded", Level = LogLevel.Debug, Message = "Successful login for '{Username}' from {IpKey}: counters reset.")]
        public static partial void LoginSucceeded(ILogger logger, string username, string ipKey);

        [LoggerMessage(EventId = 1205, EventName = "ThrottleStoreUnavailable", Level = LogLevel.Error, Message = "Login attempt for '{Username}' from {IpKey} refused with 503: the throttle counter store could not be read.")]
        public static partial void StoreUnavailable(ILogger logger, string username, string ipKey, Exception exception);

        [LoggerMessage(EventId = 1206, EventName = "ThrottleRecordFailed", Level = LogLevel.Error, Message = "Login outcome (succeeded: {Succeeded}) for '{Username}' from {IpKey} not recorded: the throttle counter store failed.")]
        public static partial void RecordFailed(ILogger logger, bool succeeded, string username, string ipKey, Exception exception);

        [LoggerMessage(EventId = 1207, EventName = "LoginAttemptRefused", Level = LogLevel.Warning, Message = "Login attempt from {IpKey} refused with {StatusCode}: {Reason}.")]
        public static partial void AttemptRefused(ILogger logger, int statusCode, string reason, string ipKey);

        [LoggerMessage(EventId = 1208, EventName = "PerInstanceCounters", Level = LogLevel.Warning, Message = "Login throttling counts failures in memory: counters are per app instance and lost on restart. With several instances, choose a shared store (AddLoginThrottling().AddEntityFrameworkStore(...)).")]
        public static partial void PerInstanceCounters(ILogger logger);
    }
}

/// <summary>The pipeline a throttled attempt is replayed through to render the login page: routing again, then the rest.</summary>
internal sealed record LoginPageReplay(RequestDelegate? Pipeline);

using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Security.Abstractions;

namespace Security.Sessions.Internal;

/// <summary>
/// Expires sessions on absolute age and inactivity. The absolute limit of a signed-in user counts
/// from the sign-in recorded in the authentication ticket; the last activity lives in
/// <see cref="ISession"/>, bound to the user it belongs to. A session that turns out to belong to
/// someone else starts over, empty and under a new key.
/// </summary>
internal sealed partial class SessionExpiryMiddleware
{
    // Seconds a client is told to wait when the session store is down and the app rejects: long
    // enough for a cache fail-over, short enough that a user retrying by hand is not kept out long.
    private const int RetryAfterSeconds = 30;
    private static readonly string RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);

    // Last activity is stored once it has moved by a tenth of the inactivity timeout: steady browsing then costs no
    // session write per request, and a session ends at most that step early (3 minutes of 30), never late.
    private const int ActivityStepsPerTimeout = 10;

    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;
    private readonly ISecurityLogoutHandler _logout;
    private readonly SessionRenewer _renewer;
    private readonly SessionExpiryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly PathPatternMatcher _exempt;
    private readonly TimeSpan _absoluteTimeout;
    private readonly TimeSpan _inactivityTimeout;
    private readonly TimeSpan _activityStep;
    private readonly string _sessionCookie;
    private readonly SessionStoreUnavailableAction _onStoreUnavailable;
    private readonly CircuitActivityStore? _circuitActivity;

    public SessionExpiryMiddleware(
        RequestDelegate next,
        IOptions<SessionExpiryOptions> options,
        IOptions<SessionOptions> sessionOptions,
        TimeProvider time,
        ISecurityLogoutHandler logout,
        SessionRenewer renewer,
        SessionExpiryMetrics metrics,
        ILogger<SessionExpiryMiddleware> logger,
        CircuitActivityStore? circuitActivity = null)
    {
        // Registered by AddCircuitLimits(): activity inside interactive circuits counts too.
        _circuitActivity = circuitActivity;
        _next = next;
        _time = time;
        _logout = logout;
        _renewer = renewer;
        _metrics = metrics;
        _logger = logger;
        var value = options.Value;
        _exempt = PathPatternMatcher.Create(value.ExemptPaths);
        _absoluteTimeout = value.AbsoluteTimeout;
        _inactivityTimeout = value.InactivityTimeout;
        _activityStep = value.InactivityTimeout / ActivityStepsPerTimeout;
        _sessionCookie = sessionOptions.Value.Cookie.Name!;
        _onStoreUnavailable = value.OnStoreUnavailable;

        // Built once with the pipeline, so each is said once at startup.
        foreach (var warning in PathPatternMatcher.FindOverMatching(value.ExemptPaths, $"{SessionExpiryOptions.SectionName}:{nameof(value.ExemptPaths)}"))
        {
            Log.ExemptPathOverMatches(logger, warning);
        }

        if (_onStoreUnavailable == SessionStoreUnavailableAction.Allow)
        {
            Log.StoreUnavailableAllowed(logger);
        }
    }

    public async Task InvokeAsync(HttpContext context)
    {
        // Exempt paths are neither checked nor counted as activity.
        if (_exempt.IsMatch(context.Request.Path))
        {
            await _next(context);
            return;
        }

        var feature = context.Features.Get<ISessionFeature>();
        var session = feature?.Session
            ?? throw new InvalidOperationException(
                "UseSessionExpiry needs ASP.NET Core session: call services.AddSession() and app.UseSession() before app.UseSessionExpiry().");

        // A static asset is public and is not activity: whoever asks, its session is neither checked, loaded nor stored.
        if (context.GetEndpoint()?.Metadata.GetMetadata<StaticAssetDescriptor>() is not null)
        {
            feature.Session = new UnusedSession(session, startAt: null);
            await _next(context);
            return;
        }

        var user = SessionUser.Key(context.User);
        var now = _time.GetUtcNow();

        // No session cookie and nobody signed in: no session exists, so there is nothing to check. None is made
        // either (no cookie, no store write, the response's caching left alone) unless the app stores something.
        if (user is null && string.IsNullOrEmpty(context.Request.Cookies[_sessionCookie]))
        {
            feature.Session = new UnusedSession(session, startAt: now);
            await _next(context);
            return;
        }

        var signIn = user is null ? default : SignInTime(context, now);

        if (await TryLoadAsync(context, session) is { } failure)
        {
            if (await StoreUnavailableAsync(context, user, signIn, now, failure))
            {
                await _next(context);
            }

            return;
        }

        var stored = SessionTimes.Read(session);
        var times = stored;
        var startedOver = false;
        if (!string.Equals(times?.Owner, user, StringComparison.Ordinal))
        {
            // Not this user's session: another user's, a signed-in user's seen by an anonymous request,
            // or none at all for a signed-in user (a dropped, replaced or forged session cookie). Nothing
            // in it is shown, and a signed-in user's times start at the sign-in, never later, so a new
            // session cookie can only shorten what is left, never extend it.
            if (times?.Owner is not null)
            {
                Log.SessionOfAnotherUser(_logger, user is not null);
            }

            session = await _renewer.StartOverAsync(context, session);
            startedOver = true;
            stored = null;
            times = user is null ? null : new SessionTimes(signIn.At, signIn.At, user);
        }

        if (times is not { } current)
        {
            // Only an anonymous session gets here. One that holds nothing (a cookie whose session the store no longer
            // has, a forged one, or one just started over) is left unstored until the app stores something; one that
            // holds data without (readable) times gets both set to now.
            if (!startedOver && session.Keys.Any())
            {
                new SessionTimes(now, now, null).Write(session);
            }
            else
            {
                feature.Session = new UnusedSession(session, startAt: now);
            }

            await _next(context);
            return;
        }

        // The recorded sign-in is the start of a signed-in user's session whatever the session says.
        var start = signIn.Recorded ? signIn.At : current.Start;
        var reason = now - start > _absoluteTimeout ? ExpiryReason.Absolute
            : now - current.LastActivity > _inactivityTimeout ? ExpiryReason.Inactivity
            : ExpiryReason.None;
        if (reason == ExpiryReason.Inactivity && _circuitActivity is not null &&
            await _circuitActivity.LastAsync(session.Id, context.RequestAborted) is { } inCircuit &&
            now - inCircuit <= _inactivityTimeout)
        {
            // Idle over HTTP, but active in an interactive circuit: read only here, on the way to expiring.
            current = current with { LastActivity = inCircuit };
            stored = null;
            reason = ExpiryReason.None;
        }

        if (reason != ExpiryReason.None)
        {
            await ExpireAsync(context, reason, user is not null, now);
        }
        else if (stored is { } unchanged && unchanged.Start == current.Start && string.Equals(unchanged.Owner, current.Owner, StringComparison.Ordinal))
        {
            // The usual request: only last activity moves (start and owner are already stored), and only by whole steps.
            if (now - unchanged.LastActivity >= _activityStep)
            {
                SessionTimes.WriteLastActivity(session, now);
            }
        }
        else
        {
            (current with { LastActivity = now }).Write(session);
        }

        await _next(context);
    }

    private async Task ExpireAsync(HttpContext context, ExpiryReason reason, bool signedIn, DateTimeOffset now)
    {
        _metrics.Expired(reason, signedIn);
        Log.SessionExpired(_logger, reason == ExpiryReason.Absolute ? "absolute" : "inactivity", signedIn);
        if (signedIn)
        {
            // Signs out and clears the session; login-required (when used) then redirects.
            await _logout.LogoutAsync(context);
        }

        if (context.Features.Get<ISessionFeature>()?.Session is { } session)
        {
            session.Clear();
            new SessionTimes(now, now, null).Write(session);
        }
    }

    // Whether the request may go on.
    private async Task<bool> StoreUnavailableAsync(HttpContext context, string? user, (DateTimeOffset At, bool Recorded) signIn, DateTimeOffset now, Exception failure)
    {
        if (user is null)
        {
            // Nothing to protect: with the store down an anonymous request reads no session data either.
            _metrics.StoreUnavailable("none", signedIn: false);
            Log.StoreUnavailable(_logger, "none", signedIn: false, failure);
            return true;
        }

        switch (_onStoreUnavailable)
        {
            case SessionStoreUnavailableAction.Reject:
                _metrics.StoreUnavailable("reject", signedIn: true);
                Log.StoreUnavailable(_logger, "reject", signedIn: true, failure);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers[HeaderNames.RetryAfter] = RetryAfter;
                return false;

            case SessionStoreUnavailableAction.Allow:
                _metrics.StoreUnavailable("allow", signedIn: true);
                Log.StoreUnavailable(_logger, "allow", signedIn: true, failure);

                // Inactivity cannot be checked without the store; the absolute limit still can.
                if (signIn.Recorded && now - signIn.At > _absoluteTimeout)
                {
                    _metrics.Expired(ExpiryReason.Absolute, signedIn: true);
                    Log.SessionExpired(_logger, "absolute", signedIn: true);
                    await _logout.LogoutAsync(context);
                }

                return true;

            default:
                _metrics.StoreUnavailable("sign_out", signedIn: true);
                Log.StoreUnavailable(_logger, "sign_out", signedIn: true, failure);
                await _logout.LogoutAsync(context);
                return true;
        }
    }

    // Null when loaded; else why not (an unreachable store, or its I/O timeout).
    private static async Task<Exception?> TryLoadAsync(HttpContext context, ISession session)
    {
        try
        {
            await session.LoadAsync(context.RequestAborted);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            return ex;
        }
    }

    // The sign-in recorded in the ticket; for a ticket issued before sign-ins were recorded, its issue
    // time (which a renewal moves). Never later than now.
    private static (DateTimeOffset At, bool Recorded) SignInTime(HttpContext context, DateTimeOffset now)
    {
        var properties = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties;
        if (SignInRecord.TryReadTime(properties, out var signedIn))
        {
            return (signedIn < now ? signedIn : now, true);
        }

        return (properties?.IssuedUtc is { } issued && issued < now ? issued : now, false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, EventName = "SessionExpired", Level = LogLevel.Information,
            Message = "Session expired ({Reason} timeout); signed-in user: {SignedIn}.")]
        public static partial void SessionExpired(ILogger logger, string reason, bool signedIn);

        [LoggerMessage(EventId = 4002, EventName = "SessionStoreUnavailable", Level = LogLevel.Warning,
            Message = "Session store unavailable; session expiry could not be checked (action: {Action}, signed-in user: {SignedIn}).")]
        public static partial void StoreUnavailable(ILogger logger, string action, bool signedIn, Exception exception);

        [LoggerMessage(EventId = 4003, EventName = "SessionOfAnotherUser", Level = LogLevel.Information,
            Message = "The request's session belonged to another user; it was started over empty (signed-in user: {SignedIn}).")]
        public static partial void SessionOfAnotherUser(ILogger logger, bool signedIn);

        [LoggerMessage(EventId = 4007, EventName = "StoreUnavailableAllowed", Level = LogLevel.Warning,
            Message = "Security:Sessions:OnStoreUnavailable is Allow: while the session store is down, signed-in users stay signed in without an inactivity check.")]
        public static partial void StoreUnavailableAllowed(ILogger logger);

        [LoggerMessage(EventId = 4008, EventName = "ExemptPathOverMatches", Level = LogLevel.Warning,
            Message = "A path pattern matches more paths than it names: {Warning}.")]
        public static partial void ExemptPathOverMatches(ILogger logger, string warning);
    }
}

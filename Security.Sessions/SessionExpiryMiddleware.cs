using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Sessions;

/// <summary>
/// Expires sessions on absolute age and inactivity (PARITY.md "Security.Sessions"). The times live
/// in <see cref="ISession"/> and are bound to the signed-in user; see the package README for why
/// dropping the session cookie cannot extend a signed-in session.
/// </summary>
internal sealed partial class SessionExpiryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;
    private readonly ISecurityLogoutHandler _logout;
    private readonly SessionExpiryMetrics _metrics;
    private readonly ILogger _logger;
    private readonly PathPatternMatcher _exempt;
    private readonly TimeSpan _absoluteTimeout;
    private readonly TimeSpan _inactivityTimeout;

    public SessionExpiryMiddleware(
        RequestDelegate next,
        IOptions<SessionExpiryOptions> options,
        TimeProvider time,
        ISecurityLogoutHandler logout,
        SessionExpiryMetrics metrics,
        ILogger<SessionExpiryMiddleware> logger)
    {
        _next = next;
        _time = time;
        _logout = logout;
        _metrics = metrics;
        _logger = logger;
        var value = options.Value;
        _exempt = PathPatternMatcher.Create(value.ExemptPaths);
        _absoluteTimeout = value.AbsoluteTimeout;
        _inactivityTimeout = value.InactivityTimeout;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        // Exempt paths are neither checked nor counted as activity.
        if (_exempt.IsMatch(context.Request.Path))
        {
            await _next(context);
            return;
        }

        var session = context.Features.Get<ISessionFeature>()?.Session
            ?? throw new InvalidOperationException(
                "UseSessionExpiry needs ASP.NET Core session: call services.AddSession() and app.UseSession() before app.UseSessionExpiry().");

        await session.LoadAsync(context.RequestAborted);
        if (!session.IsAvailable)
        {
            Log.SessionUnavailable(_logger);
            await _next(context);
            return;
        }

        var now = _time.GetUtcNow();
        var user = UserKey(context.User);
        var times = SessionTimes.Read(session);
        var stored = times;

        var issued = user is null ? now : SignInTime(context, now);
        if (user is not null && !BelongsTo(times, user, issued))
        {
            // A signed-in user without times of their own (a dropped or replaced session cookie, a
            // sign-in on an exempt path, or an old authentication cookie replayed after its session
            // expired): the times start at the sign-in, never later, so a new session cookie can
            // only shorten what is left, never extend it.
            times = new SessionTimes(issued, issued, user);
        }
        else if (times is null)
        {
            // PARITY: a session without (readable) times gets both set to now.
            new SessionTimes(now, now, null).Write(session);
            await _next(context);
            return;
        }

        var current = times.Value;
        var reason = now - current.Start > _absoluteTimeout ? ExpiryReason.Absolute
            : now - current.LastActivity > _inactivityTimeout ? ExpiryReason.Inactivity
            : ExpiryReason.None;

        if (reason == ExpiryReason.None)
        {
            var owner = user ?? current.Owner;
            if (stored is { } unchanged && unchanged.Start == current.Start && string.Equals(unchanged.Owner, owner, StringComparison.Ordinal))
            {
                // The usual request: only last activity moves; start and owner are already stored.
                SessionTimes.WriteLastActivity(session, now);
            }
            else
            {
                new SessionTimes(current.Start, now, owner).Write(session);
            }
        }
        else
        {
            var signedIn = user is not null;
            _metrics.Expired(reason, signedIn);
            Log.SessionExpired(_logger, reason == ExpiryReason.Absolute ? "absolute" : "inactivity", signedIn);
            if (signedIn)
            {
                // Signs out and clears the session; login-required (when used) then redirects.
                await _logout.LogoutAsync(context);
            }
            else
            {
                session.Clear();
            }

            new SessionTimes(now, now, null).Write(session);
        }

        await _next(context);
    }

    // The session is the user's when it records them as owner, or when it is an anonymous session
    // that started before the sign-in (the user signed in during it).
    private static bool BelongsTo(SessionTimes? times, string user, DateTimeOffset issued) =>
        times is { } value && (value.Owner is { } owner ? string.Equals(owner, user, StringComparison.Ordinal) : value.Start <= issued);

    private static DateTimeOffset SignInTime(HttpContext context, DateTimeOffset now) =>
        context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties?.IssuedUtc is { } issued && issued < now ? issued : now;

    private static string? UserKey(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true } identity
            ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? identity.Name ?? ""
            : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "SessionExpired", Level = LogLevel.Information,
            Message = "Session expired ({Reason} timeout); signed-in user: {SignedIn}.")]
        public static partial void SessionExpired(ILogger logger, string reason, bool signedIn);

        [LoggerMessage(EventId = 2, EventName = "SessionUnavailable", Level = LogLevel.Warning,
            Message = "Session store unavailable; session expiry not checked for this request.")]
        public static partial void SessionUnavailable(ILogger logger);
    }
}

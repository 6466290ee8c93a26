using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Security.Sessions.Internal;

/// <summary>
/// Holds a session's limits inside an interactive Server circuit. The deadline is read from the session the circuit's
/// connection request was checked against (its start and last activity); messages from the browser count as activity,
/// recorded once per tenth of the inactivity timeout (<see cref="CircuitActivityStore"/>, which the middleware reads)
/// and moving the inactivity deadline, never the absolute one. At the deadline a timer sets the circuit's user to
/// anonymous, so the signed-out UI shows without waiting for a navigation.
/// </summary>
internal sealed partial class SessionCircuitHandler(
    IHttpContextAccessor httpContextAccessor,
    AuthenticationStateProvider authenticationStateProvider,
    CircuitActivityStore activity,
    IOptions<SessionExpiryOptions> options,
    TimeProvider time,
    ILogger<SessionCircuitHandler> logger) : CircuitHandler, IDisposable
{
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private string? _sessionId;
    private DateTimeOffset _absoluteDeadline;
    private DateTimeOffset _lastRecorded;
    private bool _expired;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // Each (re)connection is a request the middleware checked: its session holds the current times.
        if (httpContextAccessor.HttpContext is { } context
            && SessionUser.Key(context.User) is { } user
            && context.Features.Get<ISessionFeature>()?.Session is { IsAvailable: true } session
            && SessionTimes.Read(session) is { } times
            && string.Equals(times.Owner, user, StringComparison.Ordinal))
        {
            var value = options.Value;
            lock (_lock)
            {
                _sessionId = session.Id;
                _absoluteDeadline = times.Start + value.AbsoluteTimeout;
                _lastRecorded = times.LastActivity;
                _timer?.Dispose();
                _timer = time.CreateTimer(_ => Expire(), null, Due(times.LastActivity + value.InactivityTimeout), Timeout.InfiniteTimeSpan);
            }
        }

        return Task.CompletedTask;
    }

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            await RecordActivityAsync();
            await next(context);
        };

    // A click, a form field, a navigation inside the circuit: the user is active, as an HTTP request would say.
    private async Task RecordActivityAsync()
    {
        var inactivity = options.Value.InactivityTimeout;
        var now = time.GetUtcNow();
        string sessionId;
        lock (_lock)
        {
            if (_sessionId is null || _expired || now - _lastRecorded < inactivity / 10)
            {
                return;
            }

            sessionId = _sessionId;
            _lastRecorded = now;
            _timer?.Change(Due(now + inactivity), Timeout.InfiniteTimeSpan);
        }

        try
        {
            await activity.RecordAsync(sessionId, now, inactivity);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is down: the circuit still counts the activity; the next request may expire the session.
            Log.CircuitActivityNotStored(logger, ex);
        }
    }

    // The earlier of the moved inactivity deadline and the fixed absolute one.
    private TimeSpan Due(DateTimeOffset inactivityDeadline)
    {
        var due = Min(_absoluteDeadline, inactivityDeadline) - time.GetUtcNow();
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }

    public void Dispose() => _timer?.Dispose();

    private void Expire()
    {
        lock (_lock)
        {
            _expired = true;
        }

        if (authenticationStateProvider is IHostEnvironmentAuthenticationStateProvider host)
        {
            Log.CircuitSessionExpired(logger);
            host.SetAuthenticationState(Task.FromResult(new AuthenticationState(new ClaimsPrincipal(new ClaimsIdentity()))));
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4009, EventName = "CircuitSessionExpired", Level = LogLevel.Information,
            Message = "Session expired inside an interactive circuit; the circuit's user is now anonymous.")]
        public static partial void CircuitSessionExpired(ILogger logger);

        [LoggerMessage(EventId = 4010, EventName = "CircuitActivityNotStored", Level = LogLevel.Warning,
            Message = "Activity inside an interactive circuit could not be stored; the session's next request may expire it for inactivity.")]
        public static partial void CircuitActivityNotStored(ILogger logger, Exception exception);
    }
}

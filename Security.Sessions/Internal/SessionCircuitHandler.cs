using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Security.Sessions.Internal;

/// <summary>
/// Ends an interactive Server circuit's signed-in state when its session expires. The deadline is read once, from
/// the session the circuit's connection request was checked against (its start and last HTTP activity), and a
/// timer sets the circuit's user to anonymous at that moment, so the signed-out UI shows without waiting for a navigation.
/// </summary>
internal sealed partial class SessionCircuitHandler(
    IHttpContextAccessor httpContextAccessor,
    AuthenticationStateProvider authenticationStateProvider,
    IOptions<SessionExpiryOptions> options,
    TimeProvider time,
    ILogger<SessionCircuitHandler> logger) : CircuitHandler, IDisposable
{
    private ITimer? _timer;

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
            var deadline = Min(times.Start + value.AbsoluteTimeout, times.LastActivity + value.InactivityTimeout);
            var due = deadline - time.GetUtcNow();
            _timer?.Dispose();
            _timer = time.CreateTimer(_ => Expire(), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Expire()
    {
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
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Auth.Internal;
using Security.Shared;

namespace Security.Auth;

/// <summary>
/// Throttles login attempts where the password is checked. Identity apps need not call it:
/// <c>AddIdentity(...).AddLoginThrottling()</c> puts it inside <c>SignInManager</c>. Apps with their own user store
/// call it from their login code, before checking the password:
/// <code>
/// var attempt = await throttle.BeginAsync(HttpContext, userName);
/// if (attempt.IsThrottled) return Problem(attempt.Message, statusCode: 429);
/// if (!await users.CheckPasswordAsync(userName, password)) { attempt.Failed(); return Unauthorized(); }
/// await attempt.SucceededAsync();
/// </code>
/// Registered by <c>services.AddLoginThrottling()</c>; a singleton.
/// </summary>
public sealed partial class LoginThrottle
{
    /// <summary>The most characters of a typed user name written to a log line.</summary>
    internal const int MaxLoggedUsername = 64;

    // How long a client waits when the counter store cannot be read: the attempt is refused (fail closed).
    private static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(5);

    private readonly LoginThrottlingOptions _options;
    private readonly LoginThrottlingKeys _keys;
    private readonly TimeProvider _time;
    private readonly LoginThrottlingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly long _windowTicks;

    internal LoginThrottle(IOptions<LoginThrottlingOptions> options, LoginThrottlingKeys keys, TimeProvider time, LoginThrottlingMetrics metrics, ILogger<LoginThrottle> logger)
    {
        _options = options.Value;
        _keys = keys;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _windowTicks = Math.Max(1, _options.ClientFailureWindow.Ticks);
    }

    /// <summary>
    /// Begins a login attempt for <paramref name="userName"/> (trimmed, then normalized as Identity normalizes names,
    /// so every spelling of one name shares its counter; an empty name counts against the client only) from the
    /// request's client address. The attempt is counted
    /// before the password is checked, so concurrent guesses cannot all pass one open window. A throttled attempt
    /// also sets <see cref="ILoginThrottlingFeature"/> and <c>Retry-After</c> on the response. When the counter
    /// store fails, the attempt is throttled for 5 seconds (fail closed) and the error logged.
    /// </summary>
    /// <param name="context">The login request.</param>
    /// <param name="userName">The user name as typed.</param>
    /// <param name="cancellationToken">Cancels reading the counters.</param>
    /// <returns>The attempt: check <see cref="LoginAttempt.IsThrottled"/>, then report its outcome.</returns>
    public Task<LoginAttempt> BeginAsync(HttpContext context, string userName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(userName);
        var trimmed = userName.Trim();
        // An empty name, or one that is not valid Unicode, names no user: it counts against the client only.
        var normalized = trimmed.Length == 0 ? null : LoginThrottlingKeys.Normalize(context, trimmed);
        var userKey = normalized is null ? null : _keys.User(normalized);
        return BeginKeyedAsync(context, userKey, [], userName, cancellationToken);
    }

    /// <summary>Begins an attempt counted under <paramref name="userKey"/>; a success resets it and <paramref name="alsoReset"/>.</summary>
    internal async Task<LoginAttempt> BeginKeyedAsync(HttpContext context, string? userKey, string[] alsoReset, string? typedName, CancellationToken cancellationToken)
    {
        var store = context.RequestServices.GetRequiredService<IThrottleCounterStore>();
        var name = LogText.Escape(typedName, MaxLoggedUsername) ?? "(none)";
        var ipKey = LoginThrottlingKeys.Ip(context);
        var client = LoginThrottlingKeys.Client(context);
        var now = _time.GetUtcNow();
        try
        {
            var userBefore = userKey is null ? null : await store.GetAsync(userKey, now, cancellationToken);
            var ipBefore = await store.GetAsync(ipKey, now, cancellationToken);
            var delay = Remaining(userBefore?.Count ?? 0, userBefore?.LastFailure, ipBefore?.Count ?? 0, ipBefore?.LastFailure, now);
            if (delay > TimeSpan.Zero)
            {
                // Refused before counting: waiting out a delay is not a failure.
                return Refuse(context, name, ipKey, delay);
            }

            var bucket = now.UtcTicks / _windowTicks;
            var budgetDelay = await ReserveBudgetAsync(store, client, bucket, now, cancellationToken);
            if (budgetDelay > TimeSpan.Zero)
            {
                Log.ClientBudgetSpent(_logger, name, client, _options.ClientFailureLimit, _options.ClientFailureWindow);
                return Refuse(context, name, ipKey, budgetDelay);
            }

            var userAfter = userKey is null ? null : await store.IncrementAsync(userKey, now, CancellationToken.None);
            var ipAfter = await store.IncrementAsync(ipKey, now, CancellationToken.None);

            // An attempt that reserved right after ours read the counters left a count one higher than we read; its
            // failure is as recent as its reservation.
            var (userCount, userStamp) = Prior(userBefore, userAfter);
            var (ipCount, ipStamp) = Prior(ipBefore, ipAfter);
            delay = Remaining(userCount, userStamp, ipCount, ipStamp, now);
            var reservation = new Reservation(store, userKey, alsoReset, name, ipKey, client, bucket);
            if (delay > TimeSpan.Zero)
            {
                await RefundBudgetAsync(store, reservation);
                return Refuse(context, name, ipKey, delay);
            }

            return new LoginAttempt(this, reservation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail closed: without the counters an attacker could guess without limit.
            Log.StoreUnavailable(_logger, name, ipKey, ex);
            return Refuse(context, name, ipKey, StoreRetryAfter);
        }
    }

    internal async Task SucceededAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        try
        {
            var store = reservation.Store;
            if (reservation.UserKey is not null)
            {
                await store.ResetAsync(reservation.UserKey, cancellationToken);
            }

            foreach (var key in reservation.AlsoReset)
            {
                await store.ResetAsync(key, cancellationToken);
            }

            // The client's own counters stay: a sign-in to an account of the attacker's must not buy more guesses.
            await RefundBudgetAsync(store, reservation);
            Log.LoginSucceeded(_logger, reservation.Name, reservation.IpKey);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The sign-in stands; the lost reset is logged as an error.
            Log.RecordFailed(_logger, true, reservation.Name, reservation.IpKey, ex);
        }
    }

    internal void Failed(Reservation reservation)
    {
        _metrics.Failed();
        Log.LoginFailed(_logger, reservation.Name, reservation.IpKey);
    }

    // The client budget counts failures as attempts minus refunds (successes and refused attempts), in fixed windows
    // weighed into a sliding one. Refunds are read before the attempt is reserved, so a race only ever overcounts.
    private async Task<TimeSpan> ReserveBudgetAsync(IThrottleCounterStore store, string client, long bucket, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = _options.ClientFailureLimit;
        if (limit <= 0)
        {
            return TimeSpan.Zero;
        }

        var previous = await FailuresAsync(store, client, bucket - 1, now, cancellationToken);
        var refunds = (await store.GetAsync(BudgetKey(client, bucket, refund: true), now, cancellationToken))?.Count ?? 0;
        var reserved = (await store.IncrementAsync(BudgetKey(client, bucket, refund: false), now, CancellationToken.None)).Count;
        var current = Math.Max(0, reserved - refunds);
        var elapsed = (double)(now.UtcTicks - (bucket * _windowTicks)) / _windowTicks;
        if (current + (previous * (1 - elapsed)) <= limit)
        {
            return TimeSpan.Zero;
        }

        await store.IncrementAsync(BudgetKey(client, bucket, refund: true), now, CancellationToken.None);
        return BudgetRetryAfter(current - 1, previous, elapsed, limit);
    }

    private async Task<long> FailuresAsync(IThrottleCounterStore store, string client, long bucket, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var reserved = (await store.GetAsync(BudgetKey(client, bucket, refund: false), now, cancellationToken))?.Count ?? 0;
        if (reserved == 0)
        {
            return 0;
        }

        var refunds = (await store.GetAsync(BudgetKey(client, bucket, refund: true), now, cancellationToken))?.Count ?? 0;
        return Math.Max(0, reserved - refunds);
    }

    private Task RefundBudgetAsync(IThrottleCounterStore store, Reservation reservation) =>
        _options.ClientFailureLimit <= 0
            ? Task.CompletedTask
            : store.IncrementAsync(BudgetKey(reservation.Client, reservation.Bucket, refund: true), _time.GetUtcNow(), CancellationToken.None);

    private static string BudgetKey(string client, long bucket, bool refund) =>
        string.Create(CultureInfo.InvariantCulture, $"{client}:{bucket}:{(refund ? 'r' : 'a')}");

    // When one more attempt fits: while this window lasts, once the previous window's share has shrunk enough; else
    // in the next window, once this one's share has.
    private TimeSpan BudgetRetryAfter(long current, long previous, double elapsed, int limit)
    {
        var room = limit - 1.0;
        double windows;
        if (current <= room && previous > 0)
        {
            windows = 1 - ((room - current) / previous) - elapsed;
        }
        else
        {
            windows = (1 - elapsed) + (current <= 0 ? 0 : Math.Max(0, 1 - (room / current)));
        }

        var ticks = (long)Math.Ceiling(Math.Max(0, windows) * _windowTicks);
        return TimeSpan.FromTicks(Math.Max(ticks, TimeSpan.TicksPerSecond));
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

    private LoginAttempt Refuse(HttpContext context, string name, string ipKey, TimeSpan delay)
    {
        _metrics.Throttled();
        Log.LoginThrottled(_logger, name, ipKey, delay.TotalSeconds);
        var message = ThrottleMessages.Denied(delay);
        context.Features.Set<ILoginThrottlingFeature>(new LoginThrottlingFeature(delay, message));
        if (!context.Response.HasStarted)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return new LoginAttempt(delay, message);
    }

    /// <summary>
    /// What a permitted attempt reserved, to undo on success, in the store of the request that began it (a scoped
    /// store, a DbContext, is the request's own).
    /// </summary>
    internal sealed record Reservation(IThrottleCounterStore Store, string? UserKey, string[] AlsoReset, string Name, string IpKey, string Client, long Bucket);

    private sealed record LoginThrottlingFeature(TimeSpan RetryAfter, string Message) : ILoginThrottlingFeature;

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, EventName = "LoginThrottled", Level = LogLevel.Warning, Message = "Login attempt for '{Username}' from {IpKey} throttled for {DelaySeconds} more seconds.")]
        public static partial void LoginThrottled(ILogger logger, string username, string ipKey, double delaySeconds);

        [LoggerMessage(EventId = 1202, EventName = "LoginFailed", Level = LogLevel.Information, Message = "Failed login for '{Username}' from {IpKey}.")]
        public static partial void LoginFailed(ILogger logger, string username, string ipKey);

        [LoggerMessage(EventId = 1203, EventName = "LoginSucceeded", Level = LogLevel.Debug, Message = "Successful login for '{Username}' from {IpKey}: the user's counters reset.")]
        public static partial void LoginSucceeded(ILogger logger, string username, string ipKey);

        [LoggerMessage(EventId = 1205, EventName = "ThrottleStoreUnavailable", Level = LogLevel.Error, Message = "Login attempt for '{Username}' from {IpKey} refused: the throttle counter store could not be read.")]
        public static partial void StoreUnavailable(ILogger logger, string username, string ipKey, Exception exception);

        [LoggerMessage(EventId = 1206, EventName = "ThrottleRecordFailed", Level = LogLevel.Error, Message = "Login outcome (succeeded: {Succeeded}) for '{Username}' from {IpKey} not recorded: the throttle counter store failed.")]
        public static partial void RecordFailed(ILogger logger, bool succeeded, string username, string ipKey, Exception exception);

        [LoggerMessage(EventId = 1209, EventName = "ClientBudgetSpent", Level = LogLevel.Warning, Message = "Login attempt for '{Username}' refused: {Client} has failed {Limit} sign-ins within {Window} (password spraying?).")]
        public static partial void ClientBudgetSpent(ILogger logger, string username, string client, int limit, TimeSpan window);
    }
}

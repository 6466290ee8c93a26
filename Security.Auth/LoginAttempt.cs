namespace Security.Auth;

/// <summary>
/// One login attempt begun with <see cref="LoginThrottle.BeginAsync"/>. The attempt was counted as a failure when it
/// began, so the app's login code needs to report only a success: check <see cref="IsThrottled"/> first (and never
/// check the password of a throttled attempt), then call <see cref="SucceededAsync"/> when the password was right,
/// or <see cref="Failed"/> (which only logs and counts) when it was not.
/// </summary>
public sealed class LoginAttempt
{
    private readonly LoginThrottle? _throttle;
    private readonly LoginThrottle.Reservation? _reservation;
    private int _reported;

    internal LoginAttempt(LoginThrottle throttle, LoginThrottle.Reservation reservation)
    {
        _throttle = throttle;
        _reservation = reservation;
    }

    internal LoginAttempt(TimeSpan retryAfter, string message)
    {
        RetryAfter = retryAfter;
        Message = message;
    }

    /// <summary>Whether the attempt is refused: the app must not check its password, and answers with <see cref="Message"/>.</summary>
    public bool IsThrottled => _throttle is null;

    /// <summary>How long until the next attempt may be made; <see cref="TimeSpan.Zero"/> when not throttled.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>
    /// For a throttled attempt, the message to show, e.g. "Due to the failure of previous attempts, your login
    /// request has been denied as a security precaution. Please try again in at least 2 minutes."; otherwise
    /// <see langword="null"/>.
    /// </summary>
    public string? Message { get; }

    /// <summary>
    /// Reports that the password was right and this attempt's user signs in: resets this user's counters only (not
    /// the client address's, and no other user's). Call it once; a second report does nothing.
    /// </summary>
    /// <param name="cancellationToken">Cancels the reset.</param>
    /// <exception cref="InvalidOperationException">The attempt is throttled: its password must not have been checked.</exception>
    public Task SucceededAsync(CancellationToken cancellationToken = default)
    {
        if (_throttle is null)
        {
            throw new InvalidOperationException("A throttled login attempt cannot succeed: its password must not be checked.");
        }

        return Interlocked.Exchange(ref _reported, 1) == 0 ? _throttle.SucceededAsync(_reservation!, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>
    /// Reports that the attempt failed. The failure was counted when the attempt began, so this only logs it and
    /// counts it on the <c>security.login.failed</c> metric; an attempt never reported is a failure too.
    /// </summary>
    public void Failed()
    {
        if (_throttle is not null && Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _throttle.Failed(_reservation!);
        }
    }
}

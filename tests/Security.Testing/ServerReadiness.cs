namespace Security.Testing;

/// <summary>
/// Waits for a server process this fixture started to accept connections. Another process cannot signal this one,
/// so asking it again on a short period, up to a bound, is the only way to learn that it is ready.
/// </summary>
public static class ServerReadiness
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    /// <summary>Asks <paramref name="isReady"/> every 100 ms until it answers <see langword="true"/>.</summary>
    /// <param name="isReady">One attempt to talk to the server; <see langword="false"/> while it does not answer yet.</param>
    /// <param name="hasExited">Whether the server's process has gone away (so waiting longer is pointless).</param>
    /// <param name="timeout">How long the server may take to start.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> once the server answers; <see langword="false"/> if its process exited or the timeout passed.</returns>
    public static async Task<bool> WaitAsync(Func<CancellationToken, Task<bool>> isReady, Func<bool> hasExited, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        using var timer = new PeriodicTimer(Period);
        try
        {
            do
            {
                if (hasExited())
                {
                    return false;
                }

                if (await isReady(bounded.Token))
                {
                    return true;
                }
            }
            while (await timer.WaitForNextTickAsync(bounded.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout passed.
        }

        return false;
    }
}

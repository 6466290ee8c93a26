namespace Security.Testing;

/// <summary>
/// A count that background code raises and a test awaits: <see cref="AtLeast"/> completes once the count reaches a
/// value, so a test waits for the events themselves rather than for time to pass.
/// </summary>
public sealed class CountSignal
{
    private readonly List<(long Count, TaskCompletionSource Signal)> _waiters = [];
    private long _count;

    /// <summary>The count so far.</summary>
    public long Count
    {
        get
        {
            lock (_waiters)
            {
                return _count;
            }
        }
    }

    /// <summary>Completes once the count is at least <paramref name="count"/>.</summary>
    /// <param name="count">The count awaited.</param>
    public Task AtLeast(long count)
    {
        lock (_waiters)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task;
        }
    }

    /// <summary>Raises the count by <paramref name="amount"/> and completes the waits it reaches.</summary>
    /// <param name="amount">How much to add.</param>
    public void Add(long amount)
    {
        lock (_waiters)
        {
            _count += amount;
            _waiters.RemoveAll(waiter => waiter.Count <= _count && waiter.Signal.TrySetResult());
        }
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Security.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that signals when timers with a given due time are created, so a test advances
/// the clock only once the code under test is waiting on it (an advance made earlier would be lost).
/// </summary>
public sealed class TimerSignallingTimeProvider(DateTimeOffset start, TimeSpan signalledDueTime) : FakeTimeProvider(start)
{
    private readonly CountSignal _signalledTimers = new();
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Completed when the first timer with the signalled due time is created.</summary>
    public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The due time of every timer created on this clock (whatever its due time), in order: a test that follows code
    /// which waits again and again (a backoff) reads the next wait here and advances by it.
    /// </summary>
    public ChannelReader<TimeSpan> Created => _created.Reader;

    /// <summary>Completes once <paramref name="count"/> timers with the signalled due time have been created.</summary>
    /// <param name="count">How many timers (several services sharing this clock each make their own).</param>
    public Task TimersCreated(int count) => _signalledTimers.AtLeast(count);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        if (dueTime == signalledDueTime)
        {
            TimerCreated.TrySetResult();
            _signalledTimers.Add(1);
        }

        return timer;
    }
}

using Microsoft.Extensions.Time.Testing;

namespace Security.Csp.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that signals when a timer with a given due time is created, so a test advances
/// the clock only once the code under test is waiting on it (an advance made earlier would be lost).
/// </summary>
internal sealed class TimerSignallingTimeProvider(DateTimeOffset start, TimeSpan signalledDueTime) : FakeTimeProvider(start)
{
    public TaskCompletionSource TimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime == signalledDueTime)
        {
            TimerCreated.TrySetResult();
        }

        return timer;
    }
}

using Security.Abstractions;

namespace Security.Csp.Tests.Fakes;

/// <summary>An in-memory store that counts the reports saved, so a test can wait until the writer has saved what it sent.</summary>
internal sealed class SignallingCspReportStore(InMemoryCspReportStore inner) : ForwardingCspReportStore(inner)
{
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _saved;

    public override async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        await Inner.SaveAsync(reports, cancellationToken);
        lock (_lock)
        {
            _saved += reports.Count;
            foreach (var waiter in _waiters.Where(w => w.Count <= _saved))
            {
                waiter.Signal.TrySetResult();
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> reports have been saved in all.</summary>
    public Task WaitForAsync(int count)
    {
        lock (_lock)
        {
            if (_saved >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }
}

using Security.Abstractions;

namespace Security.Csp.Tests.Fakes;

/// <summary>
/// A store that fails the saves <paramref name="fails"/> picks (given the batch and the 1-based call number) and keeps
/// the others; it counts calls and signals its first failure and its first kept save.
/// </summary>
internal sealed class FailingCspReportStore(Func<IReadOnlyList<CspReport>, int, bool> fails) : ForwardingCspReportStore
{
    private int _calls;

    /// <summary>Save calls so far, failed or not.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public TaskCompletionSource FirstFailure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource FirstSave { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        if (fails(reports, Interlocked.Increment(ref _calls)))
        {
            FirstFailure.TrySetResult();
            throw new TimeoutException("store down");
        }

        await Inner.SaveAsync(reports, cancellationToken);
        FirstSave.TrySetResult();
    }
}

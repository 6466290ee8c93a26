using Security.Abstractions;

namespace Security.Csp.Tests.Fakes;

/// <summary>A store whose saves wait until released, to fill the queue behind it.</summary>
internal sealed class GatedCspReportStore : ForwardingCspReportStore
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public override async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        await Inner.SaveAsync(reports, cancellationToken);
    }
}

using Security.Testing;

namespace Security.IntegrationTests.Persistence;

/// <summary>What <see cref="ObservedReportWriter"/> saw, shared by every scope of one app.</summary>
internal sealed class ReportWriterObserver
{
    private readonly CountSignal _saved = new();
    private readonly TaskCompletionSource _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a save first fails.</summary>
    public Task FirstFailure => _firstFailure.Task;

    /// <summary>Completes once at least <paramref name="count"/> reports have been saved.</summary>
    public Task SavedAtLeast(long count) => _saved.AtLeast(count);

    public void Failed() => _firstFailure.TrySetResult();

    public void Saved(int count) => _saved.Add(count);
}

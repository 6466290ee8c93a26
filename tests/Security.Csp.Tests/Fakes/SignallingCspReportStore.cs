using Security.Abstractions;
using Security.Testing;

namespace Security.Csp.Tests.Fakes;

/// <summary>An in-memory store that counts the reports saved, so a test can wait until the writer has saved what it sent.</summary>
internal sealed class SignallingCspReportStore(InMemoryCspReportStore inner) : ForwardingCspReportStore(inner)
{
    /// <summary>Reports saved so far.</summary>
    public CountSignal Saved { get; } = new();

    public override async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        await Inner.SaveAsync(reports, cancellationToken);
        Saved.Add(reports.Count);
    }

    /// <summary>Completes once at least <paramref name="count"/> reports have been saved in all.</summary>
    public Task WaitForAsync(int count) => Saved.AtLeast(count).WaitAsync(TimeSpan.FromSeconds(60));
}

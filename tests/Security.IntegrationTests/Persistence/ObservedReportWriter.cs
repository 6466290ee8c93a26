using Security.Abstractions;

namespace Security.IntegrationTests.Persistence;

/// <summary>
/// The background writer's view of the real store, which tells the test what happened: how many reports were saved,
/// and when a save failed, so a test awaits those events instead of waiting on the clock.
/// </summary>
internal sealed class ObservedReportWriter(ICspReportStoreWriter inner, ReportWriterObserver observer) : ICspReportStoreWriter
{
    public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.SaveAsync(reports, cancellationToken);
        }
        catch
        {
            observer.Failed();
            throw;
        }

        observer.Saved(reports.Count);
    }
}

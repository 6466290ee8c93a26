namespace Security.Abstractions;

/// <summary>
/// The write side of a CSP report store: the background writer saves batches through it, off the request path. A custom
/// store may implement only this role; register it as <c>ICspReportStoreWriter</c>.
/// </summary>
public interface ICspReportStoreWriter
{
    /// <summary>
    /// Saves a batch of reports in one round trip where the store allows it: each report adds one to its group's count
    /// and is kept in full only while its group holds fewer than <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/>
    /// reports in that hour. Values longer than their column are truncated (see <see cref="CspReport.Truncated"/>), never rejected.
    /// </summary>
    /// <param name="reports">The reports to save; <see cref="CspReport.Id"/> is ignored.</param>
    /// <param name="cancellationToken">Cancels the save.</param>
    Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default);
}

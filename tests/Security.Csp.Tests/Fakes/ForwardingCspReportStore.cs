using Security.Abstractions;

namespace Security.Csp.Tests.Fakes;

/// <summary>A report store whose reads go to an in-memory store; a test fake decides only how saves behave.</summary>
internal abstract class ForwardingCspReportStore : ICspReportStore
{
    protected ForwardingCspReportStore()
        : this(new InMemoryCspReportStore())
    {
    }

    protected ForwardingCspReportStore(InMemoryCspReportStore inner) => Inner = inner;

    /// <summary>Where the saves that succeed end up.</summary>
    public InMemoryCspReportStore Inner { get; }

    public abstract Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default);

    public Task<CspReportGroupPage> QueryGroupsAsync(CspReportQuery query, CancellationToken cancellationToken = default) =>
        Inner.QueryGroupsAsync(query, cancellationToken);

    public Task<IReadOnlyList<CspReportHourlyCount>> CountByHourAsync(
        DateTimeOffset from, DateTimeOffset to, string? effectiveDirective = null, CancellationToken cancellationToken = default) =>
        Inner.CountByHourAsync(from, to, effectiveDirective, cancellationToken);

    public Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, int maxCount, CancellationToken cancellationToken = default) =>
        Inner.DeleteOlderThanAsync(cutoff, maxCount, cancellationToken);
}

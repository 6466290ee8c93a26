namespace Security.Abstractions;

/// <summary>
/// Stores CSP violation reports. The report endpoint never calls it on the request path: a
/// background writer saves batches. Implementations: <see cref="InMemoryCspReportStore"/> (default)
/// and the EF Core store in Security.Persistence. It is the three roles in one: <see cref="ICspReportStoreWriter"/>
/// (the background writer), <see cref="ICspReportStoreReader"/> (the dashboard) and <see cref="ICspReportStoreRetention"/>
/// (the clean-up); each consumer asks for its role only.
/// </summary>
/// <remarks>
/// Identical reports (<see cref="CspReportGroupKey"/>) received in one UTC clock hour are one stored group: a store
/// keeps the first <see cref="CspReportStoreOptions.ReportsKeptPerGroup"/> full reports of a group per hour and beyond
/// them only adds to the group's count and last-seen time, atomically, so a flood costs counter updates, not rows.
/// Reads work on these hourly groups: a time window selects whole hours.
/// </remarks>
public interface ICspReportStore : ICspReportStoreWriter, ICspReportStoreReader, ICspReportStoreRetention
{
}

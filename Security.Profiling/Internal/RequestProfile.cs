namespace Security.Profiling.Internal;

/// <summary>
/// The finished profile of one request; <c>Failed</c> = the pipeline threw; <c>AllocatedBytes</c>
/// = allocated by threads while they ran the request's execution context; <c>Functions</c> = the
/// sampled top functions, null when CPU sampling is off.
/// </summary>
internal sealed record RequestProfile(
    DateTimeOffset StartedAt,
    string Method,
    string Path,
    int StatusCode,
    bool Failed,
    TimeSpan Total,
    TimeSpan Database,
    int QueryCount,
    IReadOnlyList<SqlCommandProfile> Commands,
    int ActivityCount,
    IReadOnlyList<ActivityProfile> Activities,
    long AllocatedBytes,
    SampledFunctions? Functions)
{
    /// <summary>Time outside the database: total minus database, never negative.</summary>
    public TimeSpan App => Total > Database ? Total - Database : TimeSpan.Zero;
}

namespace Security.Persistence;

/// <summary>
/// Retention run by the clean-up hosted service: old CSP reports and expired throttle counters are deleted in
/// bounded batches. Binds from <c>Security:Storage:Cleanup</c>.
/// </summary>
public sealed class SecurityStoreCleanupOptions
{
    /// <summary>The configuration section these options bind from: <c>Security:Storage:Cleanup</c>.</summary>
    public const string SectionName = "Security:Storage:Cleanup";

    /// <summary>Whether the clean-up service runs; default <see langword="true"/>. Turn it off when a separate job purges.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between two clean-up runs; default 1 hour. The first run starts one interval after startup.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>CSP reports received longer ago than this are deleted; default 30 days.</summary>
    public TimeSpan CspReportMaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Rows deleted per statement, so no run holds long locks; default 1000.</summary>
    public int BatchSize { get; set; } = 1000;
}

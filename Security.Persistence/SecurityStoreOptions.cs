using Security.Abstractions;

namespace Security.Persistence;

/// <summary>
/// Where the security tables live and how the EF Core stores behave. Binds from
/// <c>Security:Storage</c>; code configuration (<c>services.Configure&lt;SecurityStoreOptions&gt;(...)</c>) wins.
/// </summary>
/// <remarks>
/// Pass the same values to <c>modelBuilder.ApplySecurityModel(options)</c> when the tables live in the app's own
/// <c>DbContext</c>; the stores read table names from the model, so they always match it.
/// </remarks>
public sealed class SecurityStoreOptions
{
    /// <summary>The configuration section these options bind from: <c>Security:Storage</c>.</summary>
    public const string SectionName = "Security:Storage";

    /// <summary>The database schema of the tables, e.g. <c>security</c>; default <see langword="null"/> (the connection's default schema). Ignored by SQLite.</summary>
    public string? Schema { get; set; }

    /// <summary>Table of CSP violation reports; default <c>security_csp_reports</c>.</summary>
    public string CspReportTable { get; set; } = "security_csp_reports";

    /// <summary>Table of CSP report groups (identical reports of one hour, counted); default <c>security_csp_report_groups</c>.</summary>
    public string CspReportGroupTable { get; set; } = "security_csp_report_groups";

    /// <summary>Table of password expiry records (one row per user); default <c>security_password_expiry</c>.</summary>
    public string PasswordExpiryTable { get; set; } = "security_password_expiry";

    /// <summary>Table of failed-login counters; default <c>security_throttle_counters</c>.</summary>
    public string ThrottleCounterTable { get; set; } = "security_throttle_counters";

    /// <summary>
    /// How long a throttle counter lives after its last failure; default
    /// <see cref="ThrottleCounter.DefaultLifetime"/> (48 hours). An expired counter reads as absent and restarts at 1.
    /// </summary>
    public TimeSpan ThrottleCounterLifetime { get; set; } = ThrottleCounter.DefaultLifetime;

    /// <summary>
    /// Takes the generic path written with EF Core itself also on PostgreSQL, instead of its fast paths: lets the store
    /// contract run that path on PostgreSQL too. Internal: configuration cannot set it.
    /// </summary>
    internal bool GenericPathOnly { get; set; }

    internal SecurityStoreOptions Clone() => (SecurityStoreOptions)MemberwiseClone();
}

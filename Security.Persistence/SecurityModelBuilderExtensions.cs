using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Security.Abstractions;
using Security.Persistence;
using Security.Persistence.Internal.Model;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Maps the security tables into any <see cref="DbContext"/>.</summary>
public static class SecurityModelBuilderExtensions
{
    /// <summary>Largest key of a throttle counter or user id stored as is; longer keys are stored as their SHA-256.</summary>
    internal const int MaxKeyLength = 256;

    private static readonly ValueConverter<DateTimeOffset, long> UtcTicks = new(
        value => value.UtcTicks,
        value => new DateTimeOffset(value, TimeSpan.Zero));

    /// <summary>
    /// Adds the security tables to the model of the app's own context, so its EF Core migrations create and upgrade them:
    /// <c>protected override void OnModelCreating(ModelBuilder b) =&gt; b.AddSecurityStores();</c>. The same model
    /// configuration as <see cref="ApplySecurityModel"/>, under the name the stores' registration uses.
    /// </summary>
    /// <param name="modelBuilder">The model being built.</param>
    /// <param name="options">Table and schema names; default names when <see langword="null"/>.</param>
    /// <returns>The same model builder.</returns>
    public static ModelBuilder AddSecurityStores(this ModelBuilder modelBuilder, SecurityStoreOptions? options = null) =>
        modelBuilder.ApplySecurityModel(options);

    /// <summary>
    /// Adds the CSP report and report group, password expiry and throttle counter tables to the model, e.g. in the app's own
    /// context: <c>protected override void OnModelCreating(ModelBuilder b) =&gt; b.ApplySecurityModel(new() { Schema = "security" });</c>.
    /// The app then owns the schema (its migrations create the tables).
    /// </summary>
    /// <param name="modelBuilder">The model being built.</param>
    /// <param name="options">Table and schema names; default names when <see langword="null"/>.</param>
    /// <returns>The same model builder.</returns>
    /// <remarks>
    /// Times are <c>timestamptz</c> on PostgreSQL and UTC ticks (<c>INTEGER</c>) on other providers such as SQLite,
    /// so that comparisons and ordering happen in SQL.
    /// </remarks>
    public static ModelBuilder ApplySecurityModel(this ModelBuilder modelBuilder, SecurityStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        options ??= new SecurityStoreOptions();
        var schema = string.IsNullOrEmpty(options.Schema) ? null : options.Schema;

        // The Npgsql provider annotates every model it initializes; any other provider gets integer ticks.
        var ticks = !modelBuilder.Model.GetAnnotations().Any(a => a.Name.StartsWith("Npgsql:", StringComparison.Ordinal));

        modelBuilder.Entity<CspReportRow>(e =>
        {
            var table = options.CspReportTable;
            e.ToTable(table, schema);
            e.HasKey(r => r.Id).HasName($"pk_{table}");
            e.Property(r => r.Id).HasColumnName(SecurityColumns.CspId).ValueGeneratedOnAdd();
            e.Property(r => r.DocumentUri).HasColumnName(SecurityColumns.CspDocumentUri).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.Referrer).HasColumnName("referrer").HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.BlockedUri).HasColumnName(SecurityColumns.CspBlockedUri).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.ViolatedDirective).HasColumnName(SecurityColumns.CspViolatedDirective).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.EffectiveDirective).HasColumnName(SecurityColumns.CspEffectiveDirective).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.OriginalPolicy).HasColumnName("original_policy").HasMaxLength(CspReport.MaxPolicyLength);
            e.Property(r => r.Disposition).HasColumnName("disposition").HasMaxLength(CspReport.MaxShortTextLength);
            e.Property(r => r.SourceFile).HasColumnName("source_file").HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.LineNumber).HasColumnName("line_number");
            e.Property(r => r.ColumnNumber).HasColumnName("column_number");
            e.Property(r => r.Sample).HasColumnName("sample").HasMaxLength(CspReport.MaxShortTextLength);
            e.Property(r => r.StatusCode).HasColumnName("status_code");
            var receivedAt = e.Property(r => r.ReceivedAt).HasColumnName(SecurityColumns.CspReceivedAt);
            e.Property(r => r.SenderIp).HasColumnName("sender_ip").HasMaxLength(CspReport.MaxIpLength);
            e.Property(r => r.UserAgent).HasColumnName("user_agent").HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.GroupId).HasColumnName(SecurityColumns.CspGroupId);

            // Serves the dashboard's time window and retention; no index on the long text columns, whose
            // 1000 characters could exceed PostgreSQL's B-tree entry limit and fail an insert.
            e.HasIndex(r => r.ReceivedAt).HasDatabaseName($"ix_{table}_received_at");
            if (ticks)
            {
                receivedAt.HasConversion(UtcTicks);
            }
        });

        modelBuilder.Entity<CspReportGroupRow>(e =>
        {
            var table = options.CspReportGroupTable;
            e.ToTable(table, schema);
            // The key is the upsert's conflict target (one row per hour and group, keyed by a hash because the texts are
            // too long to index) and serves the dashboard's window and retention, which both select hours.
            e.HasKey(r => new { r.WindowStart, r.GroupKey }).HasName($"pk_{table}");
            e.Property(r => r.GroupKey).HasColumnName(SecurityColumns.GroupKey).ValueGeneratedNever();
            var window = e.Property(r => r.WindowStart).HasColumnName(SecurityColumns.GroupWindowStart);
            e.Property(r => r.EffectiveDirective).HasColumnName(SecurityColumns.CspEffectiveDirective).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.BlockedUri).HasColumnName(SecurityColumns.CspBlockedUri).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.DocumentUri).HasColumnName(SecurityColumns.CspDocumentUri).HasMaxLength(CspReport.MaxUriLength);
            e.Property(r => r.Disposition).HasColumnName(SecurityColumns.CspDisposition).HasMaxLength(CspReport.MaxShortTextLength);
            e.Property(r => r.ReportCount).HasColumnName(SecurityColumns.GroupReportCount);
            var firstSeen = e.Property(r => r.FirstSeen).HasColumnName(SecurityColumns.GroupFirstSeen);
            var lastSeen = e.Property(r => r.LastSeen).HasColumnName(SecurityColumns.GroupLastSeen);

            if (ticks)
            {
                window.HasConversion(UtcTicks);
                firstSeen.HasConversion(UtcTicks);
                lastSeen.HasConversion(UtcTicks);
            }
        });

        modelBuilder.Entity<PasswordExpiryRow>(e =>
        {
            var table = options.PasswordExpiryTable;
            e.ToTable(table, schema);
            e.HasKey(r => r.UserId).HasName($"pk_{table}");
            e.Property(r => r.UserId).HasColumnName(SecurityColumns.UserId).HasMaxLength(MaxKeyLength + 16);
            var expiresAt = e.Property(r => r.ExpiresAt).HasColumnName(SecurityColumns.ExpiresAt);
            if (ticks)
            {
                expiresAt.HasConversion(UtcTicks);
            }
        });

        modelBuilder.Entity<ThrottleCounterRow>(e =>
        {
            var table = options.ThrottleCounterTable;
            e.ToTable(table, schema);
            e.HasKey(r => r.CounterKey).HasName($"pk_{table}");
            e.Property(r => r.CounterKey).HasColumnName(SecurityColumns.CounterKey).HasMaxLength(MaxKeyLength + 16);
            e.Property(r => r.FailureCount).HasColumnName(SecurityColumns.FailureCount);
            var lastFailure = e.Property(r => r.LastFailure).HasColumnName(SecurityColumns.LastFailure);
            e.HasIndex(r => r.LastFailure).HasDatabaseName($"ix_{table}_last_failure");
            if (ticks)
            {
                lastFailure.HasConversion(UtcTicks);
            }
        });

        return modelBuilder;
    }
}

using Microsoft.EntityFrameworkCore;
using Security.Persistence.Internal.Model;

namespace Security.Persistence;

/// <summary>
/// The ready-made context holding the security tables (CSP reports, password expiry, throttle counters).
/// Registered as a pooled <see cref="IDbContextFactory{TContext}"/> by
/// <c>.AddEntityFrameworkStore(db =&gt; db.UseNpgsql(cs))</c>; create its tables with <see cref="SecuritySchema"/>.
/// </summary>
/// <remarks>To keep the tables in the app's own context instead, call <c>modelBuilder.ApplySecurityModel(...)</c> there.</remarks>
/// <param name="options">The context options (provider and connection).</param>
public sealed class SecurityDbContext(DbContextOptions<SecurityDbContext> options) : DbContext(options)
{
    private readonly SecurityStoreOptions _tables =
        options.FindExtension<SecurityModelOptionsExtension>()?.Options ?? new SecurityStoreOptions();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplySecurityModel(_tables);
}

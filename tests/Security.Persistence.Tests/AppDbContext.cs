using Microsoft.EntityFrameworkCore;

namespace Security.Persistence.Tests;

/// <summary>An app's own context that hosts the security tables next to its own, under custom names.</summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public static SecurityStoreOptions Tables => new()
    {
        Schema = "sec",
        CspReportTable = "app_csp_reports",
        CspReportGroupTable = "app_csp_report_groups",
        PasswordExpiryTable = "app_password_expiry",
        ThrottleCounterTable = "app_login_failures",
    };

    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>().ToTable("orders");
        modelBuilder.AddSecurityStores(Tables);
    }
}

/// <summary>One of the app's own entities.</summary>
public sealed class Order
{
    public int Id { get; set; }

    public string Item { get; set; } = "";
}

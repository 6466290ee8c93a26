using Microsoft.EntityFrameworkCore;

namespace Security.Profiling.Tests;

/// <summary>A one-table app database for the SQL capture tests.</summary>
internal sealed class ItemsDb(DbContextOptions<ItemsDb> options) : DbContext(options)
{
    public DbSet<Item> Items => Set<Item>();
}

using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Security.EndToEnd;

/// <summary>The app's own database: only the ASP.NET Core Identity tables (SQLite).</summary>
public sealed class EndToEndDbContext(DbContextOptions<EndToEndDbContext> options)
    : IdentityDbContext<IdentityUser, IdentityRole, string>(options);

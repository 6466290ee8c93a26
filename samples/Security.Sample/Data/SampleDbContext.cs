using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Security.Sample.Data;

/// <summary>The sample's own database: only the ASP.NET Core Identity tables.</summary>
public sealed class SampleDbContext(DbContextOptions<SampleDbContext> options)
    : IdentityDbContext<IdentityUser, IdentityRole, string>(options);

// The end-to-end load harness's app: one small Identity app started as either variant.
//   plain:    ASP.NET Core + Identity (EF on SQLite) + cookie auth + session
//   hardened: the same plus every Security.* package Security.Sample uses, with its settings
//             (appsettings.json here copies the sample's) and the EF stores on SQLite.
// benchmarks/e2e.sh builds it in Release, starts both variants and drives them with wrk.
// Usage: dotnet Security.EndToEnd.dll --Variant plain|hardened --DataDirectory <dir> --urls http://127.0.0.1:5001
//        --webroot samples/Security.Sample/wwwroot (its site.css is the static file measured; this project's
//        wwwroot/asset.css, a copy, is the static-asset endpoint measured)
//        [--Without sessions,csp] (hardened minus some packages, to see where the time goes; keys below)
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Security.EndToEnd;
using Security.Auth;
using Security.Persistence;

var builder = WebApplication.CreateBuilder(args);
// The static-asset endpoint row: MapStaticAssets serves this project's wwwroot/asset.css from the build output's
// manifest, which outside Development needs the static web assets turned on (a published app has them by default).
builder.WebHost.UseStaticWebAssets();
var variant = builder.Configuration["Variant"];
var hardened = variant switch
{
    "plain" => false,
    "hardened" => true,
    _ => throw new InvalidOperationException($"Variant is '{variant}'; allowed values: 'plain', 'hardened' (e.g. --Variant hardened)."),
};

string[] parts = ["headers", "csp", "throttling", "profiling", "sessions", "login-required", "password-expiry"];
var without = (builder.Configuration["Without"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (without.Except(parts).FirstOrDefault() is { } unknown)
{
    throw new InvalidOperationException($"Without names '{unknown}'; allowed values: {string.Join(", ", parts)}.");
}

bool Uses(string part) => hardened && !without.Contains(part);

// Each run gets a fresh directory: its database and data protection keys, nothing in $HOME.
var dataDirectory = Path.GetFullPath(builder.Configuration["DataDirectory"] ?? Path.Combine(Path.GetTempPath(), $"security-e2e-{variant}"));
Directory.CreateDirectory(dataDirectory);
var connectionString = $"Data Source={Path.Combine(dataDirectory, "app.db")}";
Action<DbContextOptionsBuilder> database = db => db.UseSqlite(connectionString);

// --- Services common to both variants ---------------------------------------------------------

builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
builder.Services.AddDbContext<EndToEndDbContext>(database);

var identity = builder.Services
    .AddIdentity<IdentityUser, IdentityRole>(o =>
    {
        o.Password.RequiredLength = 6;
        o.Password.RequireLowercase = true;
        o.Password.RequireUppercase = true;
        o.Password.RequireDigit = true;
        o.Password.RequireNonAlphanumeric = false;
        o.Password.RequiredUniqueChars = 1;
    })
    .AddEntityFrameworkStores<EndToEndDbContext>();

builder.Services.ConfigureApplicationCookie(cookie =>
{
    cookie.LoginPath = "/account/login";
    cookie.LogoutPath = "/account/logout";
    cookie.AccessDeniedPath = "/account/access-denied";
    cookie.Cookie.Name = "Security.Sample.Auth";
});

builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizePage("/Private"));

builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession(session =>
{
    session.Cookie.Name = "Security.Sample.Session";
    session.Cookie.HttpOnly = true;
    session.Cookie.IsEssential = true;
});

// --- Services of the hardened variant: Security.Sample's, in its order -------------------------

if (Uses("password-expiry"))
{
    identity.AddPasswordExpiry();
}

if (hardened)
{
    identity.AddErrorDescriber<PasswordRulesErrorDescriber>();
}

if (Uses("headers"))
{
    builder.Services.AddSecurityHeaders();
}

if (Uses("csp"))
{
    builder.Services.AddSecurityCsp().AddEntityFrameworkStore(database);
}

if (Uses("login-required"))
{
    builder.Services.AddLoginRequired();
}

if (Uses("password-expiry"))
{
    builder.Services.AddPasswordExpiry().AddEntityFrameworkStore(database);
}

if (Uses("throttling"))
{
    identity.AddLoginThrottling();
    builder.Services.AddLoginThrottling().AddEntityFrameworkStore(database);
}

if (Uses("sessions"))
{
    builder.Services.AddSessionExpiry();
}

if (Uses("profiling"))
{
    builder.Services.AddSecurityProfiling();
}

var app = builder.Build();

await EndToEndDatabase.CreateSchemaAsync(app.Services);
if (hardened)
{
    await SecuritySchema.CreateAsync(app.Services);
}

await EndToEndDatabase.SeedAsync(app.Services);

// --- Pipeline: the sample's, with the Security.* calls only in the hardened variant ------------

if (Uses("headers"))
{
    app.UseSecurityHeaders();
}

if (Uses("csp"))
{
    app.UseContentSecurityPolicy();
}

app.UseExceptionHandler("/error");
app.UseStaticFiles();

app.UseRouting();

app.UseSession();
app.UseAuthentication();

if (Uses("profiling"))
{
    app.UseSecurityProfiling();
}

if (Uses("sessions"))
{
    app.UseSessionExpiry();
}

if (Uses("login-required"))
{
    app.UseLoginRequired();
}

if (Uses("password-expiry"))
{
    app.UsePasswordExpiry();
}

app.UseAuthorization();

// --- Endpoints ---------------------------------------------------------------------------------

app.MapRazorPages();
app.MapStaticAssets();
// The JSON API row: an anonymous minimal API writing JSON (an API endpoint to the framework).
app.MapGet("/api/status", () => TypedResults.Ok(new { status = "ok", version = 1 })).AllowAnonymous();
var ping = app.MapGet("/api/ping", () => Results.Ok(new { pong = true }));
var logout = app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn) =>
{
    if (!await antiforgery.IsRequestValidAsync(context))
    {
        return Results.BadRequest();
    }

    await signIn.SignOutAsync();
    return Results.LocalRedirect("/");
});

if (hardened)
{
    ping.RequireAjax();
}

if (Uses("headers"))
{
    logout.ClearSiteData();
}

if (Uses("profiling"))
{
    app.MapSecurityProfiles("/_profiles");
}

if (Uses("throttling"))
{
    app.MapLoginThrottlingReset("/admin/throttling/reset");
}

if (Uses("csp"))
{
    app.MapCspReports("/csp-report");
    app.MapCspReportDashboard("/security/csp-reports").RequireAuthorization(policy => policy.RequireRole(EndToEndDatabase.AdminRole));
}

await app.RunAsync();

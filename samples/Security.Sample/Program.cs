// Security.Sample: an ASP.NET Core app with Identity, hardened by the Security.* packages.
// Read top to bottom: services first, then the request pipeline, then the endpoints.
using Microsoft.AspNetCore.Identity;
using Security.Sample.Data;

var builder = WebApplication.CreateBuilder(args);

// --- Services -------------------------------------------------------------------------------

// The app's own database (Identity tables): SQLite by default, PostgreSQL with
// Security:Storage:Provider = Postgres; both read ConnectionStrings:Security.
builder.Services.AddSampleDatabase(builder.Configuration, builder.Environment);

// ASP.NET Core Identity with its cookie. Identity's default password rules
// (6+ chars, upper, lower, digit, symbol) accept the demo passwords.
builder.Services
    .AddIdentity<IdentityUser, IdentityRole>()
    .AddEntityFrameworkStores<SampleDbContext>();

builder.Services.ConfigureApplicationCookie(cookie =>
{
    cookie.LoginPath = "/account/login";
    cookie.LogoutPath = "/account/logout";
    cookie.AccessDeniedPath = "/account/access-denied";
    cookie.Cookie.Name = "Security.Sample.Auth";
    // The cookie is a browser-session cookie: the login page signs in with isPersistent: false.
});

builder.Services.AddRazorPages(pages =>
{
    pages.Conventions.AuthorizePage("/Private");
    pages.Conventions.AuthorizePage("/Account/ChangePassword");
});

// Security.* services go here (DESIGN.md names), e.g.:
//   builder.Services.AddSecurityHeaders(...);
//   builder.Services.AddSecurityCsp(...).AddEntityFrameworkStore(...);
//   builder.Services.AddLoginRequired(...); AddPasswordExpiry(...); AddLoginThrottling(...);
//   builder.Services.AddSecurityProfiling(...);

// Session expiry: absolute 1 day, inactivity 30 minutes, overridable through Security:Sessions
// (e.g. Security__Sessions__InactivityTimeout=00:00:05). Sessions live in a distributed cache:
// the in-memory one here, Redis when several instances run.
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession(session =>
{
    session.Cookie.Name = "Security.Sample.Session";
    session.Cookie.HttpOnly = true;
    session.Cookie.IsEssential = true;
});
builder.Services.AddSessionExpiry();

var app = builder.Build();

// Sample only: create the tables and seed the demo users (admin, alice) at start.
await app.Services.InitializeSampleDatabaseAsync();

// --- Request pipeline -----------------------------------------------------------------------

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
}

// Security.Headers goes first so every response, static files included, gets the headers:
//   app.UseSecurityHeaders();

app.UseStaticFiles();
app.UseRouting();

// Security.Csp (nonce per request, header on every response):
//   app.UseContentSecurityPolicy();

app.UseSession();
app.UseAuthentication();

// Security.Sessions and Security.Auth run after authentication (they need the user):
app.UseSessionExpiry();
//   app.UseLoginThrottling();
//   app.UseLoginRequired();
//   app.UsePasswordExpiry();

app.UseAuthorization();

// Security.Profiling:
//   app.UseSecurityProfiling();

// --- Endpoints ------------------------------------------------------------------------------

// Pages: /, /private, /account/login, /account/logout, /account/change-password,
// /account/access-denied, /error.
app.MapRazorPages();

// A JSON endpoint (later AJAX-only through [RequireAjax] / a convention).
app.MapGet("/api/ping", () => Results.Ok(new { pong = true, server = "Security.Sample" }));

// PLACEHOLDER (Security.Csp): POST /csp-report and GET /security/csp-reports come from
//   app.MapCspReports();

app.Run();

// Lets tests/Security.IntegrationTests start this app with WebApplicationFactory<Program>.
public partial class Program;

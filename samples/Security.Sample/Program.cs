// Security.Sample: an ASP.NET Core app with Identity, hardened by the Security.* packages.
// Read top to bottom: services first, then the request pipeline, then the endpoints.
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Security.Auth;
using Security.Sample;
using Security.Persistence;
using Security.Sample.Data;

var builder = WebApplication.CreateBuilder(args);

// --- Services -------------------------------------------------------------------------------

// The app's own database (Identity tables): SQLite by default, PostgreSQL with
// Security:Storage:Provider = Postgres; both read ConnectionStrings:Security.
builder.Services.AddSampleDatabase(builder.Configuration, builder.Environment);
var securityDatabase = SampleStorage.Database(builder.Configuration, builder.Environment);

// ASP.NET Core Identity with its cookie. The password rules are django-security's (6+ chars, a
// lower-case letter, an upper-case letter, a digit) with its messages; AddPasswordExpiry() marks a
// password changed through UserManager as no longer expired; AddLoginThrottling() throttles every
// password and two-factor sign-in inside SignInManager (the login page and POST /api/login alike).
builder.Services
    .AddIdentity<IdentityUser, IdentityRole>(identity =>
    {
        identity.Password.RequiredLength = 6;
        identity.Password.RequireLowercase = true;
        identity.Password.RequireUppercase = true;
        identity.Password.RequireDigit = true;
        identity.Password.RequireNonAlphanumeric = false;
        identity.Password.RequiredUniqueChars = 1;
    })
    .AddEntityFrameworkStores<SampleDbContext>()
    .AddPasswordExpiry()
    .AddLoginThrottling()
    .AddErrorDescriber<PasswordRulesErrorDescriber>();

// Outside Development the sample is served over HTTPS only, and its cookies carry the __Host- prefix: the browser
// keeps such a cookie only if it is Secure, for this host, path /, so no sibling subdomain can plant or overwrite it.
// Plain-http `dotnet run` (Development) keeps the unprefixed names.
var cookiePrefix = builder.Environment.IsDevelopment() ? "" : "__Host-";

builder.Services.ConfigureApplicationCookie(cookie =>
{
    cookie.LoginPath = "/account/login";
    cookie.LogoutPath = "/account/logout";
    cookie.AccessDeniedPath = "/account/access-denied";
    cookie.Cookie.Name = cookiePrefix + "Security.Sample.Auth";
    // The cookie is a browser-session cookie: the login page signs in with isPersistent: false.
});

builder.Services.AddRazorPages(pages =>
{
    pages.Conventions.AuthorizePage("/Private");
    pages.Conventions.AuthorizePage("/Account/ChangePassword");
});

builder.Services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = cookiePrefix + "Security.Sample.Antiforgery");

// Security.Headers: secure defaults (X-Frame-Options DENY, Referrer-Policy same-origin, nosniff,
// COOP/CORP same-origin, HSTS on HTTPS), /account/* confidential (Security:Headers in appsettings.json).
// AddSecureCookies(): every cookie (auth, session, antiforgery) is Secure outside Development, HttpOnly, SameSite=Lax,
// through ASP.NET Core's cookie policy, which UseSecurityHeaders() runs.
builder.Services.AddSecurityHeaders().AddSecureCookies();

// Security.Csp: the policy from Security:Csp, a nonce per request for inline scripts and styles,
// violation reports stored in the same database as everything else.
builder.Services.AddSecurityCsp().AddEntityFrameworkStore(securityDatabase);

// Security.Auth (settings under Security:Auth in appsettings.json): every page needs sign-in but
// the exempt ones; alice must change her password first (admin, a superuser, is exempt); failed
// logins are throttled with the original's message on the login page (user names are keyed by
// Security:Auth:Throttling:UsernameHashKey, a secret: appsettings.Development.json has a demo one).
builder.Services.AddLoginRequired();
// Their records live in the same database through Security.Persistence (SQLite or PostgreSQL).
builder.Services.AddPasswordExpiry().AddEntityFrameworkStore(securityDatabase);
builder.Services.AddLoginThrottling().AddEntityFrameworkStore(securityDatabase);

// Session expiry: absolute 1 day, inactivity 30 minutes, overridable through Security:Sessions
// (e.g. Security__Sessions__InactivityTimeout=00:00:05). Sessions live in a distributed cache:
// the in-memory one here, Redis when several instances run.
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSession(session =>
{
    // __Host- outside Development, as the other cookies; HttpOnly keeps it from scripts; SameSite=Lax off
    // cross-site POSTs (the cookie policy would add all three, the session says so itself too).
    var https = !builder.Environment.IsDevelopment();
    session.Cookie.Name = cookiePrefix + "Security.Sample.Session";
    session.Cookie.SecurePolicy = https ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
    session.Cookie.HttpOnly = true;
    session.Cookie.SameSite = SameSiteMode.Lax;
    session.Cookie.IsEssential = true;
});
builder.Services.AddSessionExpiry();

// Security.Profiling: off unless Security:Profiling:Enabled (true in appsettings.Development.json);
// local callers only. `curl -H 'X-Profile: 1' ...` then shows Server-Timing and logs the profile.
// Security.Profiling.Sampling adds the top functions when Security:Profiling:CpuSampling is true
// (in Development too).
builder.Services.AddSecurityProfiling().AddSampling();

// Security.CrossOrigin: another site cannot make a signed-in visitor's browser post a form or call the API
// (CSRF), decided from the browser's Sec-Fetch-Site and Origin headers (Security:CrossOrigin). The forms keep
// their antiforgery tokens too, for browsers that send neither header.
builder.Services.AddCrossOriginProtection();

var app = builder.Build();

// Sample only: create the tables and seed the demo users (admin, alice) at start.
await app.Services.InitializeSampleDatabaseAsync();

// Security.Persistence's tables: one explicit, idempotent step (never on a request).
await SecuritySchema.CreateAsync(app.Services);

// --- Request pipeline -----------------------------------------------------------------------

// Security.Headers and Security.Csp go first, so every response gets them: static files, 404s
// and error pages included.
app.UseSecurityHeaders();
app.UseContentSecurityPolicy();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error");
    // HTTPS or nothing: an http request is redirected to the https endpoint (when the app has one), after the
    // security headers so the redirect carries them; HSTS (Security.Headers, on https responses) then keeps
    // browsers on https.
    app.UseHttpsRedirection();
}

app.UseStaticFiles();

app.UseRouting();

// Right after routing, so an endpoint's .AllowCrossOrigin() is seen, and before anything acts on a POST.
app.UseCrossOriginProtection();

app.UseSession();
app.UseAuthentication();

// Security.Profiling right after authentication (so a policy could see the user): the profile
// then covers the session, login and password checks below as well as the endpoint.
app.UseSecurityProfiling();

// Security.Sessions and Security.Auth run after authentication (they need the user):
app.UseSessionExpiry();
app.UseLoginRequired();
app.UsePasswordExpiry();

app.UseAuthorization();

// --- Endpoints ------------------------------------------------------------------------------

// Pages: /, /private, /account/login, /account/logout, /account/change-password,
// /account/access-denied, /error.
app.MapRazorPages();

// The latest profiles, for local callers while profiling is enabled (404 otherwise).
app.MapSecurityProfiles("/_profiles");

// A JSON endpoint for scripts only: 403 without X-Requested-With: XMLHttpRequest.
app.MapGet("/api/ping", () => Results.Ok(new { pong = true, server = "Security.Sample" })).RequireAjax();

// JSON sign-in for scripts: {"username": "...", "password": "..."} -> 200, 401, or 429 with Retry-After while
// throttled (the same counter per user as the form: both go through SignInManager). Bodies over 16 KiB: 413.
app.MapPost("/api/login", async (LoginRequest login, HttpContext context, SignInManager<IdentityUser> signIn) =>
{
    var result = await signIn.PasswordSignInAsync(login.Username ?? "", login.Password ?? "", isPersistent: false, lockoutOnFailure: false);
    if (context.Features.Get<ILoginThrottlingFeature>() is { } throttled)
    {
        return Results.Problem(throttled.Message, statusCode: StatusCodes.Status429TooManyRequests);
    }

    return result.Succeeded
        ? Results.Ok(new { signedIn = true })
        : Results.Json(new { signedIn = false, error = "Invalid user name or password." }, statusCode: StatusCodes.Status401Unauthorized);
}).AllowAnonymous().WithMetadata(new RequestSizeLimitAttribute(16 * 1024));

// Admins reset a user's login throttling (POST, form field username); 404 for everyone else.
app.MapLoginThrottlingReset("/admin/throttling/reset");

// Sign-out: POST only, antiforgery-checked; Clear-Site-Data then wipes the site's cookies and
// storage in the browser.
app.MapPost("/account/logout", async (HttpContext context, IAntiforgery antiforgery, SignInManager<IdentityUser> signIn) =>
{
    if (!await antiforgery.IsRequestValidAsync(context))
    {
        return Results.BadRequest();
    }

    await signIn.SignOutAsync();
    return Results.LocalRedirect("/");
}).ClearSiteData();

// CSP: browsers POST violation reports here (legacy and Reporting API formats); /csp-demo
// breaks the policy on purpose so there is something to report.
app.MapCspReports("/csp-report");
app.MapGet("/csp-demo", CspDemoPage.Render);

// The CSP report dashboard (HTML, and JSON at /security/csp-reports/json): admins only.
app.MapCspReportDashboard("/security/csp-reports").RequireAuthorization(policy => policy.RequireRole(SampleDatabase.AdminRole));

app.Run();

// Lets tests/Security.IntegrationTests start this app with WebApplicationFactory<Program>.
public partial class Program;

/// <summary>The body of <c>POST /api/login</c>.</summary>
internal sealed record LoginRequest(string? Username, string? Password);

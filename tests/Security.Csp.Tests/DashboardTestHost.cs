using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>A host with the dashboard over a given store, at a fixed time; and report factories.</summary>
internal static class DashboardTestHost
{
    public const string DashboardPath = "/security/csp-reports";

    /// <summary>12:30 UTC: a 24-hour window is [yesterday 13:00, today 13:00).</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);

    public static Task<TestApp> StartAsync(
        ICspReportStore store,
        Action<SecurityCspOptions>? csp = null,
        bool useCspMiddleware = false,
        Func<IEndpointConventionBuilder, IEndpointConventionBuilder>? protect = null) =>
        CspTestHost.StartAsync(
            s =>
            {
                s.TryAddSingleton(store);
                s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
                s.AddSecurityCsp(csp ?? (o => o.UsePolicy(p => p.DefaultSrc().Self())));
                if (protect is not null)
                {
                    s.AddAuthentication(TestAuthHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, null);
                    s.AddAuthorization();
                }
            },
            a =>
            {
                // TestServer sets no client address; its requests stand for a local admin unless a test sets one.
                a.Use((context, next) =>
                {
                    context.Connection.RemoteIpAddress ??= System.Net.IPAddress.Loopback;
                    return next(context);
                });
                if (useCspMiddleware)
                {
                    a.UseContentSecurityPolicy();
                }

                if (protect is not null)
                {
                    a.UseAuthentication();
                    a.UseAuthorization();
                }

                var dashboard = a.MapCspReportDashboard(DashboardPath);
                protect?.Invoke(dashboard);
            });

    public static async Task<InMemoryCspReportStore> StoreAsync(params CspReport[] reports)
    {
        var store = new InMemoryCspReportStore();
        await store.SaveAsync(reports);
        return store;
    }

    public static CspReport Report(
        DateTimeOffset at, string directive = "script-src-elem", string blocked = "inline", string document = "https://app.example/") =>
        new()
        {
            DocumentUri = document,
            BlockedUri = blocked,
            ViolatedDirective = directive + " 'self'",
            EffectiveDirective = directive,
            Sample = "alert(1)",
            ReceivedAt = at,
        };

    public static async Task<string> GetPageAsync(this TestApp app, string query = "")
    {
        using var response = await app.Client.GetAsync(DashboardPath + query);
        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Signs in whoever sends <c>X-Test-User</c>, with the roles in <c>X-Test-Roles</c> (comma-separated).</summary>
    private sealed class TestAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-Test-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var claims = new List<Claim> { new(ClaimTypes.Name, user.ToString()) };
            claims.AddRange(Request.Headers["X-Test-Roles"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(r => new Claim(ClaimTypes.Role, r)));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}

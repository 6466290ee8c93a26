using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Profiling.Tests;

public sealed class ProfilingPolicyTests
{
    // Stands in for authentication: the user named by a test header, with the role it names.
    private static void SignInFromHeader(WebApplication app) => app.Use((context, next) =>
    {
        if (context.Request.Headers.TryGetValue("Test-Role", out var role))
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role.ToString())], "Test"));
        }

        return next(context);
    });

    private static Task<(Security.Testing.TestApp App, CapturedLogs Logs)> StartAsync() => ProfilingHost.StartAsync(
        app => app.MapGet("/hello", () => "hello"),
        o => o.AuthorizationPolicy = "Profilers",
        s => s.AddAuthorization(a => a.AddPolicy("Profilers", p => p.RequireRole("admin"))),
        SignInFromHeader);

    [Test]
    public async Task Authorized_remote_user_is_profiled()
    {
        var (app, logs) = await StartAsync();
        await using var _ = app;

        var context = await app.SendAsync("/hello", ProfilingHost.Remote, configure: c => c.Request.Headers["Test-Role"] = "admin");

        Assert.That(context.ServerTiming(), Is.Not.Null);
        Assert.That(logs.Profiles, Has.Count.EqualTo(1));
    }

    [TestCase(null)]
    [TestCase("user")]
    public async Task Unauthorized_user_gets_the_normal_response_even_when_local(string? role)
    {
        var (app, logs) = await StartAsync();
        await using var _ = app;

        var context = await app.SendAsync("/hello", configure: c =>
        {
            if (role is not null)
            {
                c.Request.Headers["Test-Role"] = role;
            }
        });

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
        Assert.That(context.Body(), Is.EqualTo("hello"));
        Assert.That(context.ServerTiming(), Is.Null);
        Assert.That(logs.Profiles, Is.Empty);
    }

    [Test]
    public void Unknown_policy_is_a_startup_error_naming_the_option()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => ProfilingHost.StartAsync(
            app => app.MapGet("/hello", () => "hello"),
            o => o.AuthorizationPolicy = "Nobody",
            s => s.AddAuthorization()));

        Assert.That(error!.Message, Does.Contain("Security:Profiling:AuthorizationPolicy").And.Contain("Nobody"));
    }

    [TestCase("Profilers", true)]
    [TestCase("Nobody", false)]
    public async Task A_policy_provider_that_answers_asynchronously_is_awaited_at_startup(string policy, bool exists)
    {
        Task<(Security.Testing.TestApp App, CapturedLogs Logs)> Start() => ProfilingHost.StartAsync(
            app => app.MapGet("/hello", () => "hello"),
            o => o.AuthorizationPolicy = policy,
            s => s.AddAuthorization(a => a.AddPolicy("Profilers", p => p.RequireRole("admin")))
                .AddSingleton<IAuthorizationPolicyProvider, YieldingPolicyProvider>(),
            SignInFromHeader);

        if (!exists)
        {
            var error = Assert.ThrowsAsync<InvalidOperationException>(() => Start());
            Assert.That(error!.Message, Does.Contain("Security:Profiling:AuthorizationPolicy").And.Contain("Nobody"));
            return;
        }

        var (app, logs) = await Start();
        await using var _ = app;
        var context = await app.SendAsync("/hello", ProfilingHost.Remote, configure: c => c.Request.Headers["Test-Role"] = "admin");

        Assert.That(context.ServerTiming(), Is.Not.Null);
        Assert.That(logs.Profiles, Has.Count.EqualTo(1));
    }

    /// <summary>A policy provider that completes only after yielding, as one reading a database would.</summary>
    private sealed class YieldingPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
    {
        public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
        {
            await Task.Yield();
            return await base.GetPolicyAsync(policyName);
        }
    }
}

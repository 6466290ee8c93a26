using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.Extensions.DependencyInjection;
using Security.Auth.Tests.Components;

namespace Security.Auth.Tests;

/// <summary>
/// Blazor's circuit-disconnect endpoint, which the browser posts right after sign-out, passes login-required (the
/// framework checks the circuit's secret itself); the circuit hub does not. The endpoint is known by the route the
/// framework maps for it, checked here.
/// </summary>
public sealed class BlazorCircuitEndpointsTests
{
    private static Task<AuthTestApp> StartAsync() =>
        AuthTestApp.StartAsync(
            builder =>
            {
                builder.Services.AddRazorComponents().AddInteractiveServerComponents();
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
                builder.Services.AddAuthorization();
                builder.Services.AddLoginRequired();
            },
            app =>
            {
                app.UseRouting();
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UseAuthorization();
                app.UseAntiforgery();
                app.MapRazorComponents<CircuitRoot>().AddInteractiveServerRenderMode();
            });

    [Test]
    public async Task Framework_still_maps_the_disconnect_endpoint_as_login_required_expects()
    {
        await using var app = await StartAsync();

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(endpoints.Where(e => e.RoutePattern.RawText == "/_blazor/disconnect/"), Has.Exactly(1).Matches<RouteEndpoint>(
                e => e.Metadata.GetMetadata<RootComponentMetadata>() is not null), "the route and metadata login-required knows it by");
            Assert.That(endpoints.Where(e => e.RoutePattern.RawText?.EndsWith("/disconnect/", StringComparison.Ordinal) == true).ToList(), Has.Count.EqualTo(1), "no other endpoint looks like it");
        });
    }

    [Test]
    public async Task Anonymous_disconnect_gets_the_frameworks_answer_and_the_hub_still_requires_sign_in()
    {
        await using var app = await StartAsync();

        using var disconnect = await app.Client.PostAsync("/_blazor/disconnect", new FormUrlEncodedContent([]));
        using var negotiate = await app.Client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);

        Assert.Multiple(() =>
        {
            Assert.That(disconnect.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the disconnect middleware's answer to a post without a circuit id, not a sign-in redirect");
            Assert.That(negotiate.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the circuit itself needs a signed-in user");
        });
    }
}

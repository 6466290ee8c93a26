using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds login throttling to the pipeline.</summary>
public static class LoginThrottlingApplicationBuilderExtensions
{
    // The keys under which UseRouting() and WebApplication keep their route builders: the same ones ASP.NET Core's
    // exception handler reads to route a request again.
    private const string EndpointRouteBuilderKey = "__EndpointRouteBuilder";
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    /// <summary>
    /// Counts failed login attempts and refuses attempts while the delay runs (429 with <c>Retry-After</c>, or the
    /// login page re-rendered). A login attempt is an unsafe request (POST, PUT, ...) routed to an endpoint marked
    /// with <c>.RequireLoginThrottling()</c> / <c>[LoginThrottling]</c>, or to one of
    /// <see cref="LoginThrottlingOptions.LoginPaths"/>. Place it after <c>UseRouting()</c> (or leave routing
    /// implicit, as <c>WebApplication</c> then routes first) and before the login endpoint; a call before an
    /// explicit <c>UseRouting()</c> fails at startup. Needs <c>services.AddLoginThrottling()</c>: without it, this call
    /// throws <see cref="InvalidOperationException"/>.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseLoginThrottling(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<LoginThrottlingOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Auth", "AddLoginThrottling()");
        var routedBefore = app.Properties.ContainsKey(EndpointRouteBuilderKey);
        return app.Use(next =>
        {
            if (!routedBefore && app.Properties.ContainsKey(EndpointRouteBuilderKey))
            {
                throw new InvalidOperationException(
                    "UseLoginThrottling() runs before UseRouting(): it would not see the endpoints marked with RequireLoginThrottling() or [LoginThrottling]. Call app.UseLoginThrottling() after app.UseRouting().");
            }

            var middleware = ActivatorUtilities.CreateInstance<LoginThrottlingMiddleware>(app.ApplicationServices, next, new LoginPageReplay(Reroute(app, next)));
            return middleware.InvokeAsync;
        });
    }

    // A branch that routes the replayed GET again (so it reaches the login page's GET endpoint) and then runs the
    // rest of the pipeline.
    private static RequestDelegate? Reroute(IApplicationBuilder app, RequestDelegate next)
    {
        var routeBuilder = app.Properties.TryGetValue(EndpointRouteBuilderKey, out var local) && local is IEndpointRouteBuilder
            ? local
            : app.Properties.TryGetValue(GlobalEndpointRouteBuilderKey, out var global) && global is IEndpointRouteBuilder ? global : null;
        if (routeBuilder is null)
        {
            return null;
        }

        var branch = app.New();
        branch.Properties[GlobalEndpointRouteBuilderKey] = routeBuilder;
        branch.UseRouting();
        branch.Run(next);
        return branch.Build();
    }
}

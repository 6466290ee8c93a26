using Security.Auth;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Marks endpoints as login endpoints for <c>UseLoginThrottling()</c>.</summary>
public static class LoginThrottlingEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Throttles login attempts to these endpoints (a minimal API, a route group, a page): every unsafe request
    /// (POST, PUT, ...) routed to them is an attempt, however its path is spelled. Needs
    /// <c>app.UseLoginThrottling()</c> after <c>UseRouting()</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints, e.g. <c>app.MapPost("/api/login", ...)</c>.</param>
    /// <param name="renderLoginPage">Whether a throttled attempt re-renders the login page (replayed as a
    /// <c>GET</c> of the same path, status 429) instead of a bare 429. Default <see langword="false"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequireLoginThrottling<TBuilder>(this TBuilder builder, bool renderLoginPage = false)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new LoginThrottlingAttribute { RenderLoginPage = renderLoginPage };
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

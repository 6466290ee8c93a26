using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Security.Auth.Internal;

/// <summary>
/// Blazor's circuit-disconnect endpoint (<c>POST /_blazor/disconnect</c>), which the browser sends as it leaves a page
/// with a circuit, also right after sign-out. It carries no metadata of its own, so it is known by the route
/// <c>AddInteractiveServerRenderMode()</c> maps for it beside the circuit hub; <c>BlazorCircuitEndpointsTests</c> fails
/// when the framework maps it otherwise.
/// </summary>
internal static class BlazorCircuitEndpoints
{
    /// <summary>
    /// Whether <paramref name="endpoint"/> is the disconnect endpoint: it ends a circuit only for a caller that holds the
    /// circuit's own secret id, so an anonymous caller can do nothing with it that it could not do by closing the tab.
    /// </summary>
    public static bool IsDisconnect(Endpoint? endpoint) =>
        endpoint is RouteEndpoint route &&
        route.Metadata.GetMetadata<RootComponentMetadata>() is not null &&
        route.RoutePattern.RawText is { } pattern &&
        pattern.EndsWith("/disconnect/", StringComparison.Ordinal);
}

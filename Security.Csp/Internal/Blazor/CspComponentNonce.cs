using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Csp.Internal.Blazor;

/// <summary>The value of the <c>CspNonce</c> cascading value: the request's nonce in a static or prerendered render, else none.</summary>
internal static class CspComponentNonce
{
    /// <param name="scope">The services of the render asking: the request's own for a static or prerendered render.</param>
    public static string? For(IServiceProvider scope)
    {
        // A circuit renders in its own scope, and the accessor may still show the WebSocket's request there: only a
        // render in the request's own scope writes into the response whose header carries the nonce.
        var context = scope.GetService<IHttpContextAccessor>()?.HttpContext;
        return context is not null && ReferenceEquals(context.RequestServices, scope) ? context.GetCspNonce() : null;
    }

    /// <summary>Registered once, so a second <c>AddCascadingNonce()</c> adds no second value.</summary>
    internal sealed class Marker;
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the administrator's throttling reset endpoint.</summary>
public static class LoginThrottlingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a POST endpoint that clears a user name's failure counter (any spelling that the app's user lookup treats as the same name; the form field named by
    /// <c>username</c>), answering <c>204</c>. Non-superusers and
    /// unknown users get <c>404</c>, so the endpoint does not reveal itself. Cross-site requests are
    /// refused with <c>400</c>: when antiforgery is registered (Razor Pages, MVC or
    /// <c>AddAntiforgery()</c>) the form must carry its token; otherwise a browser's
    /// <c>Sec-Fetch-Site: cross-site</c> or <c>same-site</c> is refused. Without that check, a page an
    /// administrator visits could reset the counter of the user an attacker is guessing for.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">The route, e.g. <c>/admin/throttling/reset</c>.</param>
    /// <exception cref="InvalidOperationException"><c>services.AddLoginThrottling()</c> was not called.</exception>
    /// <returns>The endpoint's convention builder.</returns>
    public static IEndpointConventionBuilder MapLoginThrottlingReset(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        RegistrationMarker<LoginThrottlingOptions>.ThrowIfMissing(endpoints.ServiceProvider, "Security.Auth", "AddLoginThrottling()");
        return endpoints.MapPost(pattern, static (HttpContext context) => context.RequestServices.GetRequiredService<LoginThrottlingReset>().ResetAsync(context))
            .WithDisplayName("Security login throttling reset");
    }
}

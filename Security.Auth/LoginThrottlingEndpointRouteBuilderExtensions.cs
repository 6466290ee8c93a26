using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the administrator's throttling reset endpoint.</summary>
public static class LoginThrottlingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a POST endpoint that clears a user name's failure counter (any spelling that the app's user lookup treats as the same name; the form field named by
    /// <see cref="LoginThrottlingOptions.UsernameField"/>), answering <c>204</c>. Non-superusers and
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
        RegistrationMarker<LoginThrottlingOptions>.ThrowIfMissing(endpoints.ServiceProvider, "MapLoginThrottlingReset()", "AddLoginThrottling()");
        return endpoints.MapPost(pattern, ResetAsync).WithDisplayName("Security login throttling reset");
    }

    private static async Task ResetAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<LoginThrottlingOptions>>().Value;
        var user = context.User;
        if (!SecurityUsers.IsAuthenticated(user) || !await options.IsSuperuser(context, user))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!await IsSameSiteRequestAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var typed = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted))[options.UsernameField].ToString().Trim()
            : "";
        var store = services.GetRequiredService<IThrottleCounterStore>();
        var normalized = typed.Length is > 0 and <= 1024 ? LoginThrottlingKeys.Normalize(context, typed) : null;
        if (normalized is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var key = services.GetRequiredService<LoginThrottlingKeys>().User(normalized);
        var exists = options.UserExists is { } userExists
            ? await userExists(context, typed)
            : services.GetService<IdentityUserAccess>() is { } identity
                ? await identity.UserExistsAsync(context, typed)
                : await store.GetAsync(key, services.GetRequiredService<TimeProvider>().GetUtcNow(), context.RequestAborted) is not null;
        if (!exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await store.ResetAsync(key, context.RequestAborted);
        ThrottlingResetLog.Reset(services.GetRequiredService<ILoggerFactory>().CreateLogger(ThrottlingResetLog.Category), LogText.Escape(typed, LoginThrottlingMiddleware.MaxLoggedUsername) ?? "(none)", LogText.Escape(user.Identity?.Name, LoginThrottlingMiddleware.MaxLoggedUsername) ?? "(none)");
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task<bool> IsSameSiteRequestAsync(HttpContext context)
    {
        if (context.RequestServices.GetService<IAntiforgery>() is { } antiforgery)
        {
            return await antiforgery.IsRequestValidAsync(context);
        }

        // No antiforgery in this app: rely on Fetch Metadata, which every current browser sends.
        var site = context.Request.Headers["Sec-Fetch-Site"].ToString();
        return !site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) && !site.Equals("same-site", StringComparison.OrdinalIgnoreCase);
    }
}

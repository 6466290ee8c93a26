using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Security.Sample;

/// <summary>
/// Counts the pages rendered in the current session (kept in <see cref="ISession"/>), so anyone can
/// watch a session start over: after a sign-in, with a planted session cookie, after expiry.
/// </summary>
public static class SessionVisits
{
    private const string Key = "Security.Sample.Visits";

    /// <summary>
    /// Counts this page and returns the count so far; <see langword="null"/> where the request has no session to count
    /// in. A page starts no session by itself, so a first visit stays cookie-less and its response cacheable: the count
    /// runs in a session the visitor already has (a signed-in user's, or one started earlier) and starts on the sign-in page.
    /// </summary>
    /// <param name="context">The request rendering the page.</param>
    public static int? CountPage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<ISessionFeature>()?.Session is not { } session)
        {
            return null;
        }

        var cookie = context.RequestServices.GetRequiredService<IOptions<SessionOptions>>().Value.Cookie.Name!;
        var hasSession = context.User.Identity?.IsAuthenticated == true || context.Request.Cookies.ContainsKey(cookie);
        if (!hasSession && !context.Request.Path.StartsWithSegments("/account/login", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var visits = (session.GetInt32(Key) ?? 0) + 1;
        session.SetInt32(Key, visits);
        return visits;
    }
}

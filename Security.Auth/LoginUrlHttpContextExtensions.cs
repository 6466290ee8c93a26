using Security.Auth;

namespace Microsoft.AspNetCore.Http;

/// <summary>Sets a per-request login URL for <c>UseLoginRequired</c>.</summary>
public static class LoginUrlHttpContextExtensions
{
    /// <summary>
    /// Makes <c>UseLoginRequired</c> send this request, when anonymous and redirected to sign in, to
    /// <paramref name="loginUrl"/> with no return parameter; the path of
    /// <paramref name="loginUrl"/> is then public for this request. Call it from middleware that runs before
    /// <c>UseLoginRequired</c>.
    /// </summary>
    /// <param name="context">The current request.</param>
    /// <param name="loginUrl">The login URL, e.g. <c>/tenants/acme/login</c>; it is trusted as given.</param>
    public static void SetLoginUrl(this HttpContext context, string loginUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(loginUrl);
        context.Features.Set<ILoginUrlFeature>(new LoginUrlFeature(loginUrl));
    }

    private sealed record LoginUrlFeature(string LoginUrl) : ILoginUrlFeature;
}

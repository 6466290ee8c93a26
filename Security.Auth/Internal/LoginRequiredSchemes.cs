using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Security.Auth.Internal;

/// <summary>
/// What login-required asks the app's authentication once: which scheme challenges by default, and the sign-in
/// pages its cookie schemes declare (their <c>LoginPath</c>, <c>LogoutPath</c> and <c>AccessDeniedPath</c>), which an
/// anonymous user must reach. Read at startup by <see cref="LoginRequiredStartupCheck"/>, so a setting that cannot
/// work stops the app there, and then by every anonymous request from the same finished task.
/// </summary>
internal sealed class LoginRequiredSchemes(
    IOptions<LoginRequiredOptions> options,
    IOptionsMonitor<CookieAuthenticationOptions> cookieOptions,
    IAuthenticationSchemeProvider? schemes = null)
{
    private readonly Lazy<Task<Result>> _result = new(() => ResolveAsync(options.Value, cookieOptions, schemes));

    public Task<Result> GetAsync() => _result.Value;

    private static async Task<Result> ResolveAsync(LoginRequiredOptions options, IOptionsMonitor<CookieAuthenticationOptions> cookieOptions, IAuthenticationSchemeProvider? schemes)
    {
        var challenge = schemes is null ? null : await schemes.GetDefaultChallengeSchemeAsync();
        if (challenge is null)
        {
            return new Result(null, null, [], "next", Error(schemes is null));
        }

        var publicPaths = new List<string>();
        if (options.LoginUrl is { } loginUrl)
        {
            publicPaths.Add(UrlRules.PathOf(loginUrl));
        }

        foreach (var scheme in await schemes!.GetAllSchemesAsync())
        {
            if (IsCookieScheme(scheme))
            {
                var cookie = cookieOptions.Get(scheme.Name);
                publicPaths.AddRange(new[] { cookie.LoginPath, cookie.LogoutPath, cookie.AccessDeniedPath }.Where(p => p.HasValue).Select(p => p.Value!));
            }
        }

        var challengeCookie = IsCookieScheme(challenge) ? cookieOptions.Get(challenge.Name) : null;
        var parameter = options.ReturnUrlParameter
            ?? (string.IsNullOrEmpty(challengeCookie?.ReturnUrlParameter) ? "next" : challengeCookie.ReturnUrlParameter);
        return new Result(challenge.Name, challengeCookie?.LoginPath.Value, [.. publicPaths.Distinct(StringComparer.OrdinalIgnoreCase)], parameter, null);
    }

    private static bool IsCookieScheme(AuthenticationScheme scheme) => typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType);

    private static string Error(bool noAuthentication) =>
        $"{LoginRequiredOptions.SectionName} sends anonymous users to the default challenge scheme's sign-in, but " +
        (noAuthentication ? "no authentication is registered" : "AuthenticationOptions.DefaultChallengeScheme (and DefaultScheme) is not set and more than one scheme is registered") +
        ": register the scheme that signs users in as the default, e.g. services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o => o.LoginPath = \"/account/login\"), or AddIdentity(...), or a bearer scheme for an API.";

    /// <param name="ChallengeScheme">The default challenge scheme's name; <see langword="null"/> when there is none.</param>
    /// <param name="CookieLoginPath">That scheme's <c>LoginPath</c> when it is a cookie scheme.</param>
    /// <param name="PublicPaths">Paths anonymous users reach: the sign-in pages of every cookie scheme and <c>LoginUrl</c>'s path.</param>
    /// <param name="ReturnUrlParameter">The return parameter of a redirect to <c>LoginUrl</c>.</param>
    /// <param name="Error">Why login-required cannot work, naming what to set; <see langword="null"/> when it can.</param>
    internal sealed record Result(string? ChallengeScheme, string? CookieLoginPath, string[] PublicPaths, string ReturnUrlParameter, string? Error)
    {
        // Ignoring case and a trailing slash, as routing does, relative to the app or with its PathBase.
        public bool IsPublicPath(HttpRequest request)
        {
            foreach (var path in PublicPaths)
            {
                if (UrlRules.IsSamePath(request, path))
                {
                    return true;
                }
            }

            return false;
        }
    }
}

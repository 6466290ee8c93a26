using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;

namespace Security.Headers.Internal;

/// <summary>Turns <see cref="SecureCookieOptions"/> into ASP.NET Core's cookie policy.</summary>
internal static class SecureCookiePolicy
{
    public static void Apply(CookiePolicyOptions policy, SecureCookieOptions options, bool isDevelopment)
    {
        policy.Secure = isDevelopment && options.InsecureInDevelopment ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        // HttpOnly and SameSite are decided per cookie below: the policy's own settings apply to every cookie alike.
        policy.HttpOnly = HttpOnlyPolicy.None;
        policy.MinimumSameSitePolicy = SameSiteMode.Unspecified;
        var scriptReadable = new HashSet<string>(options.ScriptReadable, StringComparer.Ordinal);
        var crossSite = options.CrossSite.ToArray();
        var previous = policy.OnAppendCookie;
        policy.OnAppendCookie = context =>
        {
            previous?.Invoke(context);
            var cookie = context.CookieOptions;
            if (!scriptReadable.Contains(context.CookieName))
            {
                cookie.HttpOnly = true;
            }

            if (cookie.SameSite is SameSiteMode.None or SameSiteMode.Unspecified && !IsCrossSite(context.CookieName, crossSite))
            {
                cookie.SameSite = SameSiteMode.Lax;
            }
        };
    }

    private static bool IsCrossSite(string name, string[] prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

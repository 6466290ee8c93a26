using Security.Auth;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds login throttling to the pipeline.</summary>
public static class LoginThrottlingApplicationBuilderExtensions
{
    /// <summary>
    /// Counts failed login attempts and refuses attempts while the delay runs (429 with
    /// <c>Retry-After</c>, or the login page re-rendered). Place it before <c>UseRouting()</c> when
    /// <see cref="LoginThrottlingOptions.LoginPagePaths"/> is used; anywhere before the login endpoint
    /// otherwise. Needs <c>services.AddLoginThrottling()</c>.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <returns>The app, for chaining.</returns>
    public static IApplicationBuilder UseLoginThrottling(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<LoginThrottlingMiddleware>();
    }
}

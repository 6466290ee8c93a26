using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Security.Auth.Tests;

/// <summary>The few pieces the Security.Auth tests add to <c>Security.Testing</c>'s hosts.</summary>
internal static class AuthTestExtensions
{
    /// <summary>No log output unless the test adds a provider; <paramref name="settings"/> as configuration.</summary>
    public static WebApplicationBuilder Quiet(this WebApplicationBuilder builder, IDictionary<string, string?>? settings = null)
    {
        builder.Logging.ClearProviders();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.Configuration[key] = value;
        }

        return builder;
    }

    /// <summary>The app's own form login: <c>username</c> and <c>password</c> through Identity's <c>SignInManager</c>.</summary>
    public static RouteHandlerBuilder MapIdentityFormLogin(this IEndpointRouteBuilder app, string pattern, Func<SignInResult, HttpContext, IResult> answer) =>
        app.MapPost(pattern, async (HttpContext context, SignInManager<IdentityUser> signIn) =>
        {
            var form = await context.Request.ReadFormAsync();
            var result = await signIn.PasswordSignInAsync(form["username"].ToString(), form["password"].ToString(), false, false);
            return answer(result, context);
        });
}

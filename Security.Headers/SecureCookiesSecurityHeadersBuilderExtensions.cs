using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Security.Headers;
using Security.Headers.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Secure cookie flags through ASP.NET Core's cookie policy.</summary>
public static class SecureCookiesSecurityHeadersBuilderExtensions
{
    /// <summary>
    /// Makes every cookie the app and the framework write <c>Secure</c> (outside Development always, in Development
    /// when the request is https), <c>HttpOnly</c> (but <see cref="SecureCookieOptions.ScriptReadable"/>) and at
    /// least <c>SameSite=Lax</c> (but <see cref="SecureCookieOptions.CrossSite"/>), by configuring
    /// <see cref="CookiePolicyOptions"/>; <c>app.UseSecurityHeaders()</c> then runs ASP.NET Core's cookie policy
    /// middleware right after the headers, before anything writes a cookie. Options bind from
    /// <c>Security:Headers:Cookies</c>, then <paramref name="configure"/>.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddSecurityHeaders()</c>.</param>
    /// <param name="configure">Changes to the defaults, e.g. <c>o =&gt; o.ScriptReadable.Add("XSRF-TOKEN")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static SecurityHeadersBuilder AddSecureCookies(this SecurityHeadersBuilder builder, Action<SecureCookieOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (RegistrationMarker<SecureCookieOptions>.TryAddOptions<SecureCookieOptionsValidator>(builder.Services, SecureCookieOptions.SectionName, configure))
        {
            builder.Services.AddOptions<CookiePolicyOptions>()
                .Configure<IOptions<SecureCookieOptions>, IHostEnvironment>((policy, options, environment) =>
                    SecureCookiePolicy.Apply(policy, options.Value, environment.IsDevelopment()));
        }

        return builder;
    }
}

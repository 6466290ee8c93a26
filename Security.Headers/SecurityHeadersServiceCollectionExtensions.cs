using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Security.Headers;
using Security.Headers.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the security headers.</summary>
public static class SecurityHeadersServiceCollectionExtensions
{
    /// <summary>
    /// Registers the security headers with their options, bound from the <c>Security:Headers</c>
    /// configuration section (<see cref="SecurityHeadersOptions.SectionName"/>), then
    /// <paramref name="configure"/> (code wins). Every option is validated at startup; a bad one stops
    /// the app with an <see cref="OptionsValidationException"/> naming each bad option and value.
    /// Calling it again registers nothing twice and applies each <paramref name="configure"/> in call
    /// order. Then call <c>app.UseSecurityHeaders()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the defaults, e.g. <c>o =&gt; o.FrameOptions = "sameorigin"</c>.</param>
    /// <returns>A builder on the same services.</returns>
    public static SecurityHeadersBuilder AddSecurityHeaders(this IServiceCollection services, Action<SecurityHeadersOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        if (RegistrationMarker<SecurityHeadersOptions>.TryAddOptions<SecurityHeadersOptionsValidator>(services, SecurityHeadersOptions.SectionName, configure))
        {
            // Kestrel adds Server after the OnStarting callbacks run, so removing it there is not enough.
            services.AddOptions<KestrelServerOptions>()
                .Configure<IOptions<SecurityHeadersOptions>>((kestrel, headers) =>
                {
                    if (headers.Value.RemoveServerHeader)
                    {
                        kestrel.AddServerHeader = false;
                    }
                });
        }

        return new SecurityHeadersBuilder(services);
    }
}

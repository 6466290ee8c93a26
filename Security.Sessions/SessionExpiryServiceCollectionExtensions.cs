using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Abstractions;
using Security.Sessions;
using Security.Sessions.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the session expiry policy.</summary>
public static class SessionExpiryServiceCollectionExtensions
{
    /// <summary>
    /// Adds session expiry, bound to <c>Security:Sessions</c> in configuration and validated at
    /// startup; <paramref name="configure"/> runs after binding, so code wins. Also needs
    /// <c>services.AddSession()</c> (and a distributed cache shared by every app instance). Every
    /// sign-in (<c>HttpContext.SignInAsync</c>, Identity's <c>SignInManager</c>) is observed: its time
    /// is recorded in the authentication ticket, and the user starts on a new, empty session. Calling it again
    /// registers nothing twice; every <paramref name="configure"/> given is applied, in call order.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options in code, e.g. <c>o =&gt; o.InactivityTimeout = TimeSpan.FromMinutes(15)</c>.</param>
    /// <returns>A builder for add-ons.</returns>
    public static SessionExpiryBuilder AddSessionExpiry(this IServiceCollection services, Action<SessionExpiryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (RegistrationMarker<SessionExpiryOptions>.TryAddOptions<SessionExpiryOptionsValidator>(services, SessionExpiryOptions.SectionName, configure))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>();
            services.AddMetrics();
            services.TryAddSingleton<SessionExpiryMetrics>();
            services.TryAddSingleton<SessionRenewer>();
            services.AddSecuritySignInObserver<SessionSignInObserver>();
        }

        return new SessionExpiryBuilder(services);
    }
}

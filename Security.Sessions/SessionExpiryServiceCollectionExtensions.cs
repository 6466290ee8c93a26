using Microsoft.AspNetCore.Components.Server.Circuits;
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

    /// <summary>
    /// Applies the session's limits inside interactive Server circuits: when the session of a circuit's signed-in
    /// user reaches its absolute or inactivity limit, the circuit's user becomes anonymous at that moment, so
    /// <c>&lt;AuthorizeView&gt;</c> and <c>[Authorize]</c> pages show their signed-out content without waiting for a
    /// navigation. Messages from the browser inside the circuit (clicks, input) are activity, as requests are: recorded
    /// once per tenth of <c>InactivityTimeout</c> beside the session in its distributed cache, they keep the session
    /// alive for the circuit and for the next request; the absolute limit holds whatever the activity.
    /// </summary>
    /// <param name="builder">The builder from <c>AddSessionExpiry()</c>.</param>
    /// <returns>The builder.</returns>
    public static SessionExpiryBuilder AddCircuitLimits(this SessionExpiryBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton<CircuitActivityStore>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, SessionCircuitHandler>());
        return builder;
    }
}

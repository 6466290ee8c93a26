using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Sessions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the session expiry policy.</summary>
public static class SessionExpiryServiceCollectionExtensions
{
    /// <summary>
    /// Adds session expiry, bound to <c>Security:Sessions</c> in configuration and validated at
    /// startup; <paramref name="configure"/> runs after binding, so code wins. Also needs
    /// <c>services.AddSession()</c> (and a distributed cache shared by every app instance). Every
    /// sign-in (<c>HttpContext.SignInAsync</c>, Identity's <c>SignInManager</c>) is observed: its time
    /// is recorded in the authentication ticket, and the user starts on a new, empty session.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options in code, e.g. <c>o =&gt; o.InactivityTimeout = TimeSpan.FromMinutes(15)</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddSessionExpiry(this IServiceCollection services, Action<SessionExpiryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<SessionExpiryOptions>().BindConfiguration(SessionExpiryOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionExpiryOptions>, SessionExpiryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>();
        services.AddMetrics();
        services.TryAddSingleton<SessionExpiryMetrics>();
        services.TryAddSingleton<SessionRenewer>();
        services.AddSecuritySignInObserver<SessionSignInObserver>();
        return services;
    }
}

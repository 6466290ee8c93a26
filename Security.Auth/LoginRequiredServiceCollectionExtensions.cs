using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Abstractions;
using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the login-required middleware.</summary>
public static class LoginRequiredServiceCollectionExtensions
{
    /// <summary>
    /// Registers login-required: options bound from <c>Security:Auth:LoginRequired</c> then
    /// <paramref name="configure"/> (code wins), validated at startup. Run it with <c>app.UseLoginRequired()</c>.
    /// The app must have a default challenge scheme (cookie authentication, Identity, or a bearer scheme for an API):
    /// without one the app stops at startup saying so.
    /// Calling it again registers nothing twice; every <paramref name="configure"/> given is applied, in call order.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Optional code configuration, e.g. <c>o =&gt; o.ExemptPaths.Add("public/")</c>.</param>
    /// <returns>A builder for add-ons.</returns>
    public static LoginRequiredBuilder AddLoginRequired(this IServiceCollection services, Action<LoginRequiredOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (RegistrationMarker<LoginRequiredOptions>.TryAddOptions<LoginRequiredOptionsValidator>(services, LoginRequiredOptions.SectionName, configure))
        {
            services.AddSecurityAuthCore();
            services.TryAddSingleton<LoginRequiredSchemes>();
            services.AddHostedService<LoginRequiredStartupCheck>();
        }

        return new LoginRequiredBuilder(services);
    }

    internal static void AddSecurityAuthCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>();
        // Identity's "this user is active" answers, remembered by login-required, forgotten by the user manager.
        services.TryAddSingleton(static sp => new UserCheckCache<bool>(sp.GetRequiredService<TimeProvider>()));
        services.AddMetrics();
    }
}

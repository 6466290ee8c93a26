using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers login throttling.</summary>
public static class LoginThrottlingServiceCollectionExtensions
{
    /// <summary>
    /// Registers login throttling: options bound from <c>Security:Auth:Throttling</c> then
    /// <paramref name="configure"/> (code wins), validated at startup, the bounded in-memory counter store unless
    /// another is registered, and <see cref="LoginThrottle"/>, the service login code calls. Identity apps also call
    /// <c>AddIdentity(...).AddLoginThrottling()</c>, which throttles inside <c>SignInManager</c>; an app whose
    /// Identity sign-in manager is left unthrottled fails at startup. Calling it again registers nothing twice;
    /// every <paramref name="configure"/> given is applied, in call order.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Optional code configuration, e.g. <c>o =&gt; o.ClientFailureLimit = 50</c>.</param>
    /// <returns>A builder to choose the counter store on.</returns>
    public static LoginThrottlingBuilder AddLoginThrottling(this IServiceCollection services, Action<LoginThrottlingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (RegistrationMarker<LoginThrottlingOptions>.TryAddOptions<LoginThrottlingOptionsValidator>(services, LoginThrottlingOptions.SectionName, configure))
        {
            services.TryAddSingleton<IThrottleCounterStore>(sp => new InMemoryThrottleCounterStore(
                ThrottleCounter.DefaultLifetime, Math.Max(1, sp.GetRequiredService<IOptions<LoginThrottlingOptions>>().Value.MaxInMemoryCounters)));
            services.TryAddSingleton<LoginThrottlingMetrics>();
            services.TryAddSingleton<LoginThrottlingKeys>();
            services.TryAddSingleton(sp => new LoginThrottle(
                sp.GetRequiredService<IOptions<LoginThrottlingOptions>>(),
                sp.GetRequiredService<LoginThrottlingKeys>(),
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<LoginThrottlingMetrics>(),
                sp.GetRequiredService<ILogger<LoginThrottle>>()));
            services.TryAddSingleton<LoginThrottlingReset>();
            // The registrations themselves, read at startup to find an Identity sign-in manager left unthrottled.
            services.AddSingleton(new LoginThrottlingRegistrations(services));
            services.AddHostedService<LoginThrottlingStartupCheck>();
            services.AddSecurityAuthCore();
        }

        return new LoginThrottlingBuilder(services);
    }
}

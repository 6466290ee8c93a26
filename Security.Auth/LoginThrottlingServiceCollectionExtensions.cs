using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// another is registered, and an observer of the app's sign-ins (a sign-in is what makes an attempt a success).
    /// Run it with <c>app.UseLoginThrottling()</c>. Calling it again registers nothing twice; every
    /// <paramref name="configure"/> given is applied, in call order.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Optional code configuration, e.g. <c>o =&gt; o.LoginPaths.Add("/account/login")</c>.</param>
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
            services.TryAddSingleton<LoginUsernameReader>();
            services.TryAddSingleton<LoginThrottlingReset>();
            services.AddSecuritySignInObserver<LoginThrottlingSignInObserver>();
            services.AddSecurityAuthCore();
        }

        return new LoginThrottlingBuilder(services);
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Auth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the login-required middleware.</summary>
public static class LoginRequiredServiceCollectionExtensions
{
    /// <summary>
    /// Registers login-required: options bound from <c>Security:Auth:LoginRequired</c> then
    /// <paramref name="configure"/> (code wins), validated at startup. Run it with <c>app.UseLoginRequired()</c>.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Optional code configuration, e.g. <c>o =&gt; o.ExemptPaths.Add("public/")</c>.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLoginRequired(this IServiceCollection services, Action<LoginRequiredOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<LoginRequiredOptions>().BindConfiguration(LoginRequiredOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LoginRequiredOptions>, LoginRequiredOptionsValidator>());
        services.AddSecurityAuthCore();
        return services;
    }

    internal static void AddSecurityAuthCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISecurityLogoutHandler, DefaultSecurityLogoutHandler>();
        services.TryAddSingleton(new IdentityUserAccessLocator(services));
        // Identity's "this user is active" answers, remembered by login-required, forgotten by the user manager.
        services.TryAddSingleton(static sp => new UserCheckCache<bool>(sp.GetRequiredService<TimeProvider>()));
        services.AddMetrics();
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Auth;
using Security.Auth.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the mandatory password change.</summary>
public static class PasswordExpiryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the mandatory password change: options bound from <c>Security:Auth:PasswordExpiry</c>
    /// then <paramref name="configure"/> (code wins), validated at startup (<c>ChangePasswordUrl</c> is
    /// required), <see cref="PasswordExpiryManager"/>, and the in-memory record store unless another
    /// is registered. Run it with <c>app.UsePasswordExpiry()</c>; with Identity, also call
    /// <c>.AddPasswordExpiry()</c> on the Identity builder. Calling it again registers nothing twice; every
    /// <paramref name="configure"/> given is applied, in call order.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Optional code configuration, e.g. <c>o =&gt; o.ChangePasswordUrl = "/account/change-password"</c>.</param>
    /// <returns>A builder to choose the record store on.</returns>
    public static PasswordExpiryBuilder AddPasswordExpiry(this IServiceCollection services, Action<PasswordExpiryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (RegistrationMarker<PasswordExpiryOptions>.TryAddOptions<PasswordExpiryOptionsValidator>(services, PasswordExpiryOptions.SectionName, configure))
        {
            services.AddPasswordExpiryCore();
        }

        return new PasswordExpiryBuilder(services);
    }

    internal static void AddPasswordExpiryCore(this IServiceCollection services)
    {
        services.AddOptions<PasswordExpiryOptions>();
        services.TryAddSingleton<IPasswordExpiryStore, InMemoryPasswordExpiryStore>();
        services.TryAddSingleton(static sp => new UserCheckCache<PasswordExpiry>(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static sp => new PasswordExpiryManager(
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<PasswordExpiryOptions>>(),
            sp.GetRequiredService<UserCheckCache<PasswordExpiry>>(),
            sp.GetRequiredService<ILogger<PasswordExpiryManager>>()));
        services.AddSecurityAuthCore();
    }
}

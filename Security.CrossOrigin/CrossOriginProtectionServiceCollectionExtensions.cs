using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Security.CrossOrigin;
using Security.CrossOrigin.Internal;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the cross-origin request protection.</summary>
public static class CrossOriginProtectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the cross-origin request protection with its options, bound from the <c>Security:CrossOrigin</c>
    /// configuration section (<see cref="CrossOriginProtectionOptions.SectionName"/>), then <paramref name="configure"/>
    /// (code wins). Every option is validated at startup; a bad one stops the app with an
    /// <see cref="OptionsValidationException"/> naming each bad option and value. Calling it again registers nothing
    /// twice and applies each <paramref name="configure"/> in call order. Then call <c>app.UseCrossOriginProtection()</c>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes to the defaults, e.g. <c>o =&gt; o.TrustedOrigins.Add("https://app.example.com")</c>.</param>
    /// <returns>A builder on the same services.</returns>
    public static CrossOriginProtectionBuilder AddCrossOriginProtection(this IServiceCollection services, Action<CrossOriginProtectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (RegistrationMarker<CrossOriginProtectionOptions>.TryAddOptions<CrossOriginProtectionOptionsValidator>(services, CrossOriginProtectionOptions.SectionName, configure))
        {
            services.AddMetrics();
            services.TryAddSingleton<CrossOriginMetrics>();
        }

        return new CrossOriginProtectionBuilder(services);
    }
}

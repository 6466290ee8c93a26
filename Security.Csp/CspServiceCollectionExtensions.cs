using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Csp;
using Security.Csp.Internal;
using Security.Csp.Internal.Policy;
using Security.Csp.Internal.Reports;
using Security.Shared;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Content-Security-Policy services.</summary>
public static class CspServiceCollectionExtensions
{
    /// <summary>
    /// Adds CSP: options bound from <c>Security:Csp</c> then <paramref name="configure"/> (code wins),
    /// validated at startup; the report queue and background writer; <see cref="InMemoryCspReportStore"/>
    /// as the report store unless another <see cref="ICspReportStore"/> is registered; <see cref="CspReportStoreOptions"/>
    /// (how many full reports a store keeps per group and hour) bound from <c>Security:Csp:Reports</c>. Calling it again
    /// adds only <paramref name="configure"/>, applied after the earlier ones.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Code configuration, e.g. <c>o => o.UsePolicy(p => p.DefaultSrc().Self())</c>.</param>
    /// <returns>A builder for named policies and storage.</returns>
    public static SecurityCspBuilder AddSecurityCsp(this IServiceCollection services, Action<SecurityCspOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // configure is applied below rather than by the marker: the configuration shape check must run right after
        // binding and before any code configuration.
        if (RegistrationMarker<SecurityCspOptions>.TryAddOptions<SecurityCspOptionsValidator>(services, SecurityCspOptions.SectionName, configure: null))
        {
            AddServices(services);
        }

        // After binding (and after the configure of any earlier call), so code wins and calls apply in order.
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new SecurityCspBuilder(services);
    }

    private static void AddServices(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SecurityCspOptions>, CspConfigurationShapeCheck>(
            sp => new CspConfigurationShapeCheck(sp.GetService<IConfiguration>())));
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<CspReportStoreOptions>().BindConfiguration(SecurityCspOptions.SectionName + ":Reports").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CspReportStoreOptions>, CspReportStoreOptionsValidator>());
        services.TryAddSingleton<ICspReportStore>(sp => new InMemoryCspReportStore(
            InMemoryCspReportStore.DefaultCapacity, sp.GetRequiredService<IOptions<CspReportStoreOptions>>().Value.ReportsKeptPerGroup));
        // Each consumer asks for its role; unless the app registers a role itself, the full store serves it. Transient,
        // so the role has the lifetime of the store behind it (a scoped store stays scoped).
        services.TryAddTransient<ICspReportStoreWriter>(static sp => sp.GetRequiredService<ICspReportStore>());
        services.TryAddTransient<ICspReportStoreReader>(static sp => sp.GetRequiredService<ICspReportStore>());
        services.TryAddTransient<ICspReportStoreRetention>(static sp => sp.GetRequiredService<ICspReportStore>());
        services.TryAddSingleton<CspPolicyProvider>();
        services.TryAddSingleton<CspLateNonce>();
        services.TryAddSingleton<CspReportLogThrottle>();
        services.TryAddSingleton<CspMetrics>();
        services.TryAddSingleton<CspReportQueue>();
        services.TryAddSingleton<CspReportRateLimiter>();
        services.TryAddSingleton<CspReportEndpoint>();
        services.AddHostedService<CspReportWriter>();
    }
}

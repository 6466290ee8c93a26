using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Csp;
using Security.Csp.Reports;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Content-Security-Policy services.</summary>
public static class CspServiceCollectionExtensions
{
    /// <summary>
    /// Adds CSP: options bound from <c>Security:Csp</c> then <paramref name="configure"/> (code wins),
    /// validated at startup; the report queue and background writer; <see cref="InMemoryCspReportStore"/>
    /// as the report store unless another <see cref="ICspReportStore"/> is registered; <see cref="CspReportStoreOptions"/>
    /// (how many full reports a store keeps per group and hour) bound from <c>Security:Csp:Reports</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Code configuration, e.g. <c>o => o.UsePolicy(p => p.DefaultSrc().Self())</c>.</param>
    /// <returns>A builder for named policies and storage.</returns>
    public static SecurityCspBuilder AddSecurityCsp(this IServiceCollection services, Action<CspOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<CspOptions>().BindConfiguration(CspOptionsValidator.SectionPath).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CspOptions>, CspConfigurationShapeCheck>(
            sp => new CspConfigurationShapeCheck(sp.GetService<IConfiguration>())));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CspOptions>, CspOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<CspReportStoreOptions>().BindConfiguration(CspOptionsValidator.SectionPath + ":Reports").ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CspReportStoreOptions>, CspReportStoreOptionsValidator>());
        services.TryAddSingleton<ICspReportStore>(sp => new InMemoryCspReportStore(
            InMemoryCspReportStore.DefaultCapacity, sp.GetRequiredService<IOptions<CspReportStoreOptions>>().Value.ReportsKeptPerGroup));
        // Each consumer asks for its role; unless the app registers a role itself, the full store serves it. Transient,
        // so the role has the lifetime of the store behind it (a scoped store stays scoped).
        services.TryAddTransient<ICspReportStoreWriter>(static sp => sp.GetRequiredService<ICspReportStore>());
        services.TryAddTransient<ICspReportStoreReader>(static sp => sp.GetRequiredService<ICspReportStore>());
        services.TryAddTransient<ICspReportStoreRetention>(static sp => sp.GetRequiredService<ICspReportStore>());
        services.TryAddSingleton<CspPolicyProvider>();
        services.TryAddSingleton<CspReportLogThrottle>();
        services.TryAddSingleton<CspMetrics>();
        services.TryAddSingleton<CspReportQueue>();
        services.TryAddSingleton<CspReportRateLimiter>();
        services.TryAddSingleton<CspReportEndpoint>();
        services.AddHostedService<CspReportWriter>();
        return new SecurityCspBuilder(services);
    }
}

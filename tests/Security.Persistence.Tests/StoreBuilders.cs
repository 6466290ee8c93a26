using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Persistence.Tests;

/// <summary>Stands in for the builders AddSecurityCsp, AddPasswordExpiry and AddLoginThrottling return.</summary>
internal sealed class StoreBuilders(IServiceCollection services)
    : ICspReportStoreBuilder, IPasswordExpiryStoreBuilder, IThrottleCounterStoreBuilder
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers the in-memory defaults as the feature packages do, and returns the builders.</summary>
    public static StoreBuilders WithInMemoryDefaults(IServiceCollection services)
    {
        services.AddSingleton<ICspReportStore, InMemoryCspReportStore>();
        services.AddSingleton<IPasswordExpiryStore, InMemoryPasswordExpiryStore>();
        services.AddSingleton<IThrottleCounterStore, InMemoryThrottleCounterStore>();
        return new StoreBuilders(services);
    }

    public ICspReportStoreBuilder Csp => this;

    public IPasswordExpiryStoreBuilder Expiry => this;

    public IThrottleCounterStoreBuilder Throttle => this;
}

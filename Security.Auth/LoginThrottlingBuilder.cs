using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Auth;

/// <summary>
/// Returned by <c>services.AddLoginThrottling(...)</c>: choose the counter store on it, e.g.
/// <c>.AddEntityFrameworkStore(...)</c> from Security.Persistence. The in-memory store is the default.
/// </summary>
public sealed class LoginThrottlingBuilder : IThrottleCounterStoreBuilder
{
    internal LoginThrottlingBuilder(IServiceCollection services) => Services = services;

    /// <inheritdoc />
    public IServiceCollection Services { get; }
}

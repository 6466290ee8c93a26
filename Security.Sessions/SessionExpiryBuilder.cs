using Microsoft.Extensions.DependencyInjection;

namespace Security.Sessions;

/// <summary>Returned by <c>services.AddSessionExpiry(...)</c>: add-ons hang off it.</summary>
public sealed class SessionExpiryBuilder
{
    internal SessionExpiryBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }
}

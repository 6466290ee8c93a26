using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

namespace Security.Auth;

/// <summary>
/// Returned by <c>services.AddPasswordExpiry(...)</c>: choose the record store on it, e.g.
/// <c>.AddEntityFrameworkStore(...)</c> from Security.Persistence. The in-memory store is the default.
/// </summary>
public sealed class PasswordExpiryBuilder : IPasswordExpiryStoreBuilder
{
    internal PasswordExpiryBuilder(IServiceCollection services) => Services = services;

    /// <inheritdoc />
    public IServiceCollection Services { get; }
}

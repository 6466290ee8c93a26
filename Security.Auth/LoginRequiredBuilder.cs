using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth;

/// <summary>
/// Returned by <c>services.AddLoginRequired(...)</c>, as <see cref="PasswordExpiryBuilder"/> and
/// <see cref="LoginThrottlingBuilder"/> are by their registrations: add-ons hang off it.
/// </summary>
public sealed class LoginRequiredBuilder
{
    internal LoginRequiredBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }
}

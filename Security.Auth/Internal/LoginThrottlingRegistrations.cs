using Microsoft.Extensions.DependencyInjection;

namespace Security.Auth.Internal;

/// <summary>The app's service registrations, kept so the startup check can see which sign-in manager DI resolves.</summary>
internal sealed class LoginThrottlingRegistrations(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;
}

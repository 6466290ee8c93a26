using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Security.Abstractions;
using Security.Abstractions.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ISecuritySignInObserver"/>s.</summary>
public static class SecuritySignInServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TObserver"/> (a singleton, once however often this is called)
    /// and wraps the app's <see cref="IAuthenticationService"/> so that every sign-in reaches it.
    /// Call it before or after <c>AddAuthentication()</c>/<c>AddIdentity()</c>: either order works.
    /// </summary>
    /// <typeparam name="TObserver">The observer type.</typeparam>
    /// <param name="services">The app's services.</param>
    public static IServiceCollection AddSecuritySignInObserver<TObserver>(this IServiceCollection services)
        where TObserver : class, ISecuritySignInObserver
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISecuritySignInObserver, TObserver>());
        if (services.Any(d => d.ServiceType == typeof(SignInObservationMarker)))
        {
            return services;
        }

        services.AddSingleton<SignInObservationMarker>();

        // Wrap what is registered now; AddAuthentication's TryAdd registered later then adds nothing,
        // since a service is already there.
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthenticationService));
        Func<IServiceProvider, IAuthenticationService> inner = existing switch
        {
            null => sp => ActivatorUtilities.CreateInstance<AuthenticationService>(sp),
            { ImplementationInstance: IAuthenticationService instance } => _ => instance,
            { ImplementationFactory: { } factory } => sp => (IAuthenticationService)factory(sp),
            { ImplementationType: { } type } => sp => (IAuthenticationService)ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException($"The registered {nameof(IAuthenticationService)} cannot be wrapped to observe sign-ins."),
        };

        if (existing is not null)
        {
            services.Remove(existing);
        }

        services.Add(ServiceDescriptor.Describe(
            typeof(IAuthenticationService),
            sp => new SignInObservingAuthenticationService(inner(sp), sp.GetServices<ISecuritySignInObserver>()),
            existing?.Lifetime ?? ServiceLifetime.Scoped));
        return services;
    }

    private sealed class SignInObservationMarker;
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Security.Shared;

/// <summary>
/// Registered by a package's <c>AddX</c> the first time it runs (as ASP.NET Core's own marker services are): a
/// second call then adds only its <c>configure</c> delegate, and <c>UseX</c> / <c>MapX</c> can tell that
/// <c>AddX</c> was never called and say so, instead of failing later on a missing service.
/// </summary>
/// <typeparam name="TOptions">The options type of the feature, which names the marker.</typeparam>
/// <remarks>Compiled into each package that uses it, so no package exposes it.</remarks>
internal sealed class RegistrationMarker<TOptions>
    where TOptions : class
{
    /// <summary>Registers the marker; <see langword="false"/> when <c>AddX</c> already ran on these services.</summary>
    public static bool TryAdd(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RegistrationMarker<TOptions>)))
        {
            return false;
        }

        services.AddSingleton<RegistrationMarker<TOptions>>();
        return true;
    }

    /// <summary>
    /// The options part of every <c>AddX</c>: the first time, binds <typeparamref name="TOptions"/> from
    /// <paramref name="sectionName"/> and validates it with <typeparamref name="TValidator"/> at startup; every time,
    /// applies <paramref name="configure"/> after binding (so code wins, in call order).
    /// </summary>
    /// <returns><see langword="true"/> the first time: the caller then registers the feature's services.</returns>
    public static bool TryAddOptions<TValidator>(IServiceCollection services, string sectionName, Action<TOptions>? configure)
        where TValidator : class, IValidateOptions<TOptions>
    {
        var first = TryAdd(services);
        if (first)
        {
            services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return first;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming <paramref name="addCall"/> when the marker is missing.</summary>
    /// <param name="services">The app's services.</param>
    /// <param name="user">The package that needs the services, e.g. <c>Security.Auth</c>.</param>
    /// <param name="addCall">The registration to call, e.g. <c>AddLoginRequired()</c>.</param>
    public static void ThrowIfMissing(IServiceProvider services, string user, string addCall)
    {
        if (services.GetService(typeof(RegistrationMarker<TOptions>)) is null)
        {
            throw new InvalidOperationException(
                $"Unable to find the services {user} needs: call services.{addCall} in the app's startup code.");
        }
    }
}

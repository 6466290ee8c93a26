using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;

namespace Security.Auth.Internal;

/// <summary>
/// Stops the app at startup when its throttling cannot work: an Identity sign-in manager that checks passwords
/// unthrottled, Identity throttling without Identity, counters in a shared store without a hash key. Says once,
/// outside Development, that in-memory counters are per instance.
/// </summary>
internal sealed partial class LoginThrottlingStartupCheck(
    IServiceProvider services,
    LoginThrottlingRegistrations registrations,
    IOptions<LoginThrottlingOptions> options,
    ILogger<LoginThrottlingStartupCheck> logger,
    IHostEnvironment? environment = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        CheckSignInManagers(registrations.Services, errors);

        // The store may be scoped (a DbContext): a scope of its own.
        using (var scope = services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IThrottleCounterStore>();
            if (options.Value.UsernameHashKey is null && store is not InMemoryThrottleCounterStore)
            {
                // Each instance would hash with its own random key and count one user under different keys.
                errors.Add($"{LoginThrottlingOptions.SectionName}:UsernameHashKey is not set, but counters live in a shared store ({store.GetType().Name}): set one secret of at least {LoginThrottlingOptionsValidator.MinHashKeyLength} characters for every instance, e.g. from 'openssl rand -base64 32' in a secret store.");
            }
            else if (store is InMemoryThrottleCounterStore && environment is not null && !environment.IsDevelopment())
            {
                Log.PerInstanceCounters(logger);
            }
        }

        return errors.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException("Login throttling cannot work as registered:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // DI resolves the last registration of a service: that is the sign-in manager each login goes through.
    private static void CheckSignInManagers(IServiceCollection registered, List<string> errors)
    {
        var managers = new Dictionary<Type, ServiceDescriptor>();
        foreach (var descriptor in registered)
        {
            if (descriptor.ServiceType is { IsGenericType: true, IsGenericTypeDefinition: false } type && type.GetGenericTypeDefinition() == typeof(SignInManager<>))
            {
                managers[type.GetGenericArguments()[0]] = descriptor;
            }
        }

        foreach (var (user, descriptor) in managers)
        {
            var throttling = typeof(LoginThrottlingSignInManager<>).MakeGenericType(user);
            if (descriptor.ImplementationType is { } implementation && !throttling.IsAssignableFrom(implementation))
            {
                errors.Add(implementation == typeof(SignInManager<>).MakeGenericType(user)
                    ? $"Identity's SignInManager<{user.Name}> checks passwords unthrottled: call .AddLoginThrottling() on the Identity builder (services.AddIdentity<{user.Name}, ...>(...).AddLoginThrottling())."
                    : $"SignInManager<{user.Name}> is {implementation.Name}, which checks passwords unthrottled: derive it from LoginThrottlingSignInManager<{user.Name}> (and register it with AddSignInManager<{implementation.Name}>() after .AddLoginThrottling()).");
            }
        }

        foreach (var throttled in registered.Where(d => d.ImplementationInstance is ThrottledIdentityUser).Select(d => ((ThrottledIdentityUser)d.ImplementationInstance!).UserType).Distinct())
        {
            if (!registered.Any(d => d.ServiceType == typeof(UserManager<>).MakeGenericType(throttled)))
            {
                errors.Add($"AddLoginThrottling() was called on an Identity builder for {throttled.Name}, but Identity is not registered for it: call services.AddIdentity<{throttled.Name}, ...>() or AddIdentityCore<{throttled.Name}>() first.");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1208, EventName = "PerInstanceCounters", Level = LogLevel.Warning, Message = "Login throttling counts failures in memory: counters are per app instance and lost on restart. With several instances, choose a shared store (AddLoginThrottling().AddEntityFrameworkStore(...)).")]
        public static partial void PerInstanceCounters(ILogger logger);
    }
}

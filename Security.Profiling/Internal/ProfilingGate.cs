using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Profiling.Internal;

/// <summary>
/// Decides who may be profiled and see the profiles page: the configured authorization policy,
/// or else local callers only.
/// </summary>
internal sealed class ProfilingGate
{
    private readonly string? _policy;
    private readonly IServiceProvider _services;

    public ProfilingGate(IOptions<SecurityProfilingOptions> options, IServiceProvider services)
    {
        _policy = options.Value.AuthorizationPolicy;
        _services = services;
    }

    /// <summary>Throws when the configured policy cannot be evaluated; awaited once, when the app starts.</summary>
    public async Task EnsurePolicyExistsAsync()
    {
        if (_policy is null)
        {
            return;
        }

        var provider = _services.GetService<IAuthorizationPolicyProvider>()
            ?? throw new InvalidOperationException(
                $"{SecurityProfilingOptions.SectionName}:{nameof(SecurityProfilingOptions.AuthorizationPolicy)} is '{_policy}' but authorization is not registered: call services.AddAuthorization().");

        if (await provider.GetPolicyAsync(_policy) is null)
        {
            throw new InvalidOperationException(
                $"{SecurityProfilingOptions.SectionName}:{nameof(SecurityProfilingOptions.AuthorizationPolicy)}: no authorization policy named '{_policy}' is registered.");
        }
    }

    public ValueTask<bool> IsAllowedAsync(HttpContext context)
    {
        if (_policy is null)
        {
            return ValueTask.FromResult(IsLocal(context));
        }

        return IsAuthorizedAsync(context, _policy);
    }

    private static async ValueTask<bool> IsAuthorizedAsync(HttpContext context, string policy)
    {
        var authorization = context.RequestServices.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(context.User, context, policy);
        return result.Succeeded;
    }

    /// <summary>A loopback caller that no proxy speaks for (see <see cref="LocalRequestExtensions.IsLocalRequest"/>).</summary>
    internal static bool IsLocal(HttpContext context) => context.IsLocalRequest();
}

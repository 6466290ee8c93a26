using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Security.CrossOrigin.Internal;

/// <summary>
/// Whether the CORS policy ASP.NET Core's CORS middleware would apply to a request allows its origin. Mirrors how
/// <c>CorsMiddleware</c> picks the policy (the endpoint's nearest <see cref="ICorsMetadata"/>: disabled, an inline
/// policy, a named one, else the name given to <c>UseCors</c>), since the framework exposes no "policy for this
/// request" seam; <c>CorsTrustTests.Trust_follows_the_policy_the_CORS_middleware_applies</c> fails if the framework's choice changes.
/// </summary>
internal sealed class CorsPolicyOrigins(ICorsPolicyProvider provider, string? policyName)
{
    public async Task<bool> IsAllowedAsync(HttpContext context, string origin)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<ICorsMetadata>();
        if (metadata is IDisableCorsAttribute)
        {
            return false;
        }

        var policy = metadata is ICorsPolicyMetadata inline
            ? inline.Policy
            : await provider.GetPolicyAsync(context, metadata is IEnableCorsAttribute { PolicyName: { } name } ? name : policyName);

        // A policy open to any origin cannot send credentials, so it says nothing about whom the app trusts with its users' cookies.
        return policy is { AllowAnyOrigin: false } && policy.IsOriginAllowed(origin);
    }
}

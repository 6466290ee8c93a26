using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Security.Csp.Internal.Policy;
using Security.Shared;

namespace Security.Csp.Internal;

/// <summary>
/// Adds the CSP headers when the response starts, so static files and error pages (whose handler
/// clears headers) get them too, and the endpoint's metadata is known even when this runs before routing.
/// </summary>
internal sealed class CspMiddleware
{
    private readonly RequestDelegate _next;
    private readonly CspPolicyProvider _policies;
    private readonly double _samplingPercentage;
    private readonly Func<object, Task> _apply;
    private readonly CspLateNonce _late;

    public CspMiddleware(RequestDelegate next, CspPolicyProvider policies, IOptions<SecurityCspOptions> options, CspLateNonce late, IServiceProvider services)
    {
        // The pipeline is built at startup, after endpoints are mapped: a policy name typo fails here, not on a request.
        if (services.GetService(typeof(EndpointDataSource)) is EndpointDataSource endpoints)
        {
            policies.ValidateEndpoints(endpoints.Endpoints);
        }

        _next = next;
        _policies = policies;
        _samplingPercentage = options.Value.ReportSamplingPercentage;
        _apply = Apply;
        _late = late;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // One delegate for the app's lifetime and the context as state: no closure per request.
        context.Response.OnStarting(_apply, context);
        return _next(context);
    }

    private Task Apply(object state)
    {
        var context = (HttpContext)state;
        var policy = _policies.Default;
        if (context.GetEndpoint()?.Metadata is { } metadata)
        {
            if (metadata.GetMetadata<IDisableCspMetadata>() is not null)
            {
                return Task.CompletedTask;
            }

            if (metadata.GetMetadata<ICspPolicyMetadata>() is { } named)
            {
                policy = _policies.Get(named.PolicyName);
            }
            else if (_policies.Api is { } api && ApiEndpoint.IsApi(metadata) && !ApiEndpoint.IsHtml(context.Response.ContentType))
            {
                // The framework's own API decision (the one the cookie handler uses for 401 instead of a redirect);
                // an API endpoint that answers with a page keeps the page policy, so its nonced scripts still run.
                policy = api;
            }
        }

        var variant = !IsSampled() ? policy.WithoutReports : context.Request.IsHttps ? policy.Https : policy.Http;
        // Only a response that asked for a nonce (a page that renders one) carries it; the rest get the policy without it.
        var nonce = variant.UsesNonce ? CspNonce.ForHeaders(context, _late) : null;
        if (nonce is not null)
        {
            CspNonce.KeepOutOfSharedCaches(context.Response);
        }

        var headers = context.Response.Headers;
        if (variant.Enforce is { } enforce)
        {
            headers.ContentSecurityPolicy = enforce.Render(nonce);
        }

        if (variant.ReportOnly is { } reportOnly)
        {
            headers.ContentSecurityPolicyReportOnly = reportOnly.Render(nonce);
        }

        if (variant.ReportingEndpoints.Count > 0)
        {
            headers["Reporting-Endpoints"] = variant.ReportingEndpoints;
        }

        return Task.CompletedTask;
    }

    // Sampling decides whether reporting directives go out; it is not a security decision.
    private bool IsSampled() =>
        _samplingPercentage >= 100 || (_samplingPercentage > 0 && Random.Shared.NextDouble() * 100 < _samplingPercentage);
}

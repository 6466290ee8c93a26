using Security.Csp;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-endpoint CSP choices: <c>.RequireCspPolicy("name")</c> and <c>.DisableCsp()</c>.</summary>
public static class CspEndpointConventionBuilderExtensions
{
    /// <summary>Sends the named policy (from <see cref="SecurityCspOptions.Policies"/>) instead of the default one.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <param name="policyName">The policy name, e.g. <c>api</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequireCspPolicy<TBuilder>(this TBuilder builder, string policyName)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(policyName);
        var metadata = new CspPolicyAttribute(policyName);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }

    /// <summary>Sends no CSP header on the endpoint's responses.</summary>
    /// <typeparam name="TBuilder">The endpoint or group builder.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder DisableCsp<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new DisableCspAttribute();
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

using Security.CrossOrigin;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-endpoint cross-origin protection, as metadata (the same as the attributes).</summary>
public static class CrossOriginProtectionEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Turns the cross-origin protection off for the endpoints: requests from any site pass (e.g. a webhook).
    /// Same as <see cref="AllowCrossOriginAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints, e.g. <c>app.MapPost("/hooks/stripe", ...)</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AllowCrossOrigin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithCrossOriginMetadata(new AllowCrossOriginAttribute());

    /// <summary>
    /// Picks the protection mode of the endpoints, over the app's, e.g.
    /// <c>.WithCrossOriginProtection(CrossOriginProtectionMode.ResourceIsolation)</c> on private JSON.
    /// Same as <see cref="CrossOriginProtectionAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <param name="mode">The endpoints' mode.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder WithCrossOriginProtection<TBuilder>(this TBuilder builder, CrossOriginProtectionMode mode) where TBuilder : IEndpointConventionBuilder =>
        builder.WithCrossOriginMetadata(new CrossOriginProtectionAttribute(mode));

    private static TBuilder WithCrossOriginMetadata<TBuilder>(this TBuilder builder, object metadata) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

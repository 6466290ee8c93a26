using Security.Headers;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Per-endpoint security headers, as metadata (the same as the attributes).</summary>
public static class SecurityHeadersEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Marks the endpoints confidential: no caching (<c>Cache-Control: no-cache, no-store, max-age=0,
    /// must-revalidate</c>, <c>Pragma: no-cache</c>, <c>Expires: -1</c>). Same as <see cref="ConfidentialAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints, e.g. <c>app.MapGroup("/account")</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder Confidential<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithSecurityHeadersMetadata(new ConfidentialAttribute());

    /// <summary>
    /// Sends <c>Clear-Site-Data</c> on the endpoints' responses, e.g. on logout. Same as <see cref="ClearSiteDataAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <param name="directives">
    /// <c>cache</c>, <c>cookies</c>, <c>storage</c>, <c>executionContexts</c>, <c>clientHints</c>,
    /// <c>prefetchCache</c>, <c>prerenderCache</c> or <c>*</c>; none means <c>cookies</c> and <c>storage</c>.
    /// </param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">A directive is unknown.</exception>
    public static TBuilder ClearSiteData<TBuilder>(this TBuilder builder, params string[] directives) where TBuilder : IEndpointConventionBuilder =>
        builder.WithSecurityHeadersMetadata(new ClearSiteDataAttribute(directives));

    /// <summary>
    /// Sends a different <c>X-Frame-Options</c> on the endpoints' responses. Same as <see cref="FrameOptionsAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <param name="value"><c>deny</c>, <c>sameorigin</c>, <c>allow-from:https://example.com</c> or <c>off</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException">The value is not valid.</exception>
    public static TBuilder WithFrameOptions<TBuilder>(this TBuilder builder, string value) where TBuilder : IEndpointConventionBuilder =>
        builder.WithSecurityHeadersMetadata(new FrameOptionsAttribute(value));

    /// <summary>
    /// Sends none of the security headers on the endpoints' responses. Same as <see cref="DisableSecurityHeadersAttribute"/>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder DisableSecurityHeaders<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithSecurityHeadersMetadata(new DisableSecurityHeadersAttribute());

    private static TBuilder WithSecurityHeadersMetadata<TBuilder>(this TBuilder builder, object metadata) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

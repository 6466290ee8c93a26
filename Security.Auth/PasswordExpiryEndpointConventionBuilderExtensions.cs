using Security.Auth;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Exempts endpoints from the mandatory password change.</summary>
public static class PasswordExpiryEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Lets users whose password has expired reach these endpoints (a logout endpoint, <c>MapStaticAssets()</c>,
    /// a route group) instead of being sent to the change page. Needs <c>app.UsePasswordExpiry()</c> after
    /// <c>UseRouting()</c>.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AllowExpiredPassword<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new AllowExpiredPasswordAttribute();
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

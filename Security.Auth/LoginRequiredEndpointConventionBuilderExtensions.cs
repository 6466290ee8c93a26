using Security.Auth;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Lets anonymous users past login-required to endpoints that keep their own authorization.</summary>
public static class LoginRequiredEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="LoginNotRequiredAttribute"/> to these endpoints: login-required lets anonymous users through, and
    /// their own <c>RequireAuthorization()</c> / <c>[Authorize]</c> still applies (unlike <c>AllowAnonymous()</c>), e.g.
    /// <c>app.MapAdditionalIdentityEndpoints().LoginNotRequired()</c> in the blazor template, whose <c>Manage</c> group
    /// stays signed-in only.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoints.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder LoginNotRequired<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var metadata = new LoginNotRequiredAttribute();
        builder.Add(endpoint => endpoint.Metadata.Add(metadata));
        return builder;
    }
}

using Microsoft.AspNetCore.Http;
using Security.Auth;
using Security.Auth.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Makes endpoints answer only AJAX requests.</summary>
public static class RequireAjaxEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Answers <c>403 Forbidden</c> unless the request carries <c>X-Requested-With: XMLHttpRequest</c>.
    /// Works on minimal API endpoints and route groups (<c>app.MapGroup("/api").RequireAjax()</c>)
    /// through an endpoint filter, and on controllers and pages through <see cref="RequireAjaxAttribute"/> metadata.
    /// </summary>
    /// <typeparam name="TBuilder">The endpoint convention builder.</typeparam>
    /// <param name="builder">The endpoint or group.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder RequireAjax<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(new RequireAjaxAttribute());
        builder.AddEndpointFilter(static (context, next) =>
        {
            if (context.HttpContext.Request.IsAjaxRequest())
            {
                return next(context);
            }

            AjaxOnly.LogRejected(context.HttpContext);
            return ValueTask.FromResult<object?>(AjaxRequiredResult.Instance);
        });
        return builder;
    }
}

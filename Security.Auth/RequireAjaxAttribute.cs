using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Filters;
using Security.Auth.Internal;

namespace Security.Auth;

/// <summary>
/// Answers <c>403 Forbidden</c> unless the request carries <c>X-Requested-With: XMLHttpRequest</c>,
/// which a cross-site form cannot send. Put it on an MVC controller or action, or on a Razor
/// Pages page model; it runs as a resource filter, before model binding. For minimal APIs use
/// <c>.RequireAjax()</c>, which adds this attribute as endpoint metadata together with a filter.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequireAjaxAttribute : Attribute, IRequireAjaxMetadata, IResourceFilter, IOrderedFilter
{
    /// <summary>Runs early among resource filters: <c>int.MinValue + 100</c>.</summary>
    public int Order => int.MinValue + 100;

    /// <inheritdoc />
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.HttpContext.Request.IsAjaxRequest())
        {
            AjaxOnly.LogRejected(context.HttpContext);
            context.Result = AjaxRequiredResult.Instance;
        }
    }

    /// <inheritdoc />
    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}

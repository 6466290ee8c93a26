using Microsoft.Extensions.Primitives;

namespace Microsoft.AspNetCore.Http;

/// <summary>The AJAX-request check shared by the Security.* packages.</summary>
public static class AjaxRequestExtensions
{
    /// <summary>The header that marks an AJAX request.</summary>
    public const string RequestedWithHeader = "X-Requested-With";

    /// <summary>The value of <see cref="RequestedWithHeader"/> that marks an AJAX request.</summary>
    public const string XmlHttpRequest = "XMLHttpRequest";

    /// <summary>
    /// Whether the request carries <c>X-Requested-With: XMLHttpRequest</c> (compared ignoring case),
    /// as jQuery and most AJAX libraries send. Login-required answers such requests with 401 JSON
    /// instead of a redirect.
    /// </summary>
    /// <param name="request">The request.</param>
    public static bool IsAjaxRequest(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        StringValues value = request.Headers[RequestedWithHeader];
        return value.Count == 1 && string.Equals(value[0], XmlHttpRequest, StringComparison.OrdinalIgnoreCase);
    }
}

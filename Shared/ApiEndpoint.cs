using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace Security.Shared;

/// <summary>
/// Whether a response belongs to an API, decided as the framework decides it: .NET 10's cookie handler answers
/// 401/403 instead of redirecting for endpoints with <see cref="IDisableCookieRedirectMetadata"/> (added by the
/// framework to <c>[ApiController]</c>, minimal APIs that read or write JSON, <c>TypedResults</c>, SignalR)
/// unless <see cref="IAllowCookieRedirectMetadata"/> overrides it. The same rule here, in one file; the CSP
/// tests compare it with the cookie handler's answers, so a change in the framework fails a test.
/// </summary>
internal static class ApiEndpoint
{
    /// <summary>Whether <paramref name="metadata"/> marks an API endpoint.</summary>
    public static bool IsApi(EndpointMetadataCollection metadata) =>
        metadata.GetMetadata<IDisableCookieRedirectMetadata>() is not null && metadata.GetMetadata<IAllowCookieRedirectMetadata>() is null;

    /// <summary>Whether a response of this content type is a page (an API endpoint can still render one).</summary>
    public static bool IsHtml(string? contentType) =>
        contentType is not null &&
        (contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) ||
         contentType.StartsWith("application/xhtml+xml", StringComparison.OrdinalIgnoreCase));
}

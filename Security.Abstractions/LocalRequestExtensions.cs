using System.Net;

namespace Microsoft.AspNetCore.Http;

/// <summary>The local-caller check shared by the Security.* packages' closed-by-default pages.</summary>
public static class LocalRequestExtensions
{
    /// <summary>
    /// Whether the request comes from this machine and no proxy speaks for it: the client address is a
    /// loopback address (IPv4-mapped ones included) and the request carries no <c>Forwarded</c>,
    /// <c>X-Forwarded-For</c> or <c>X-Real-IP</c> header. Behind a reverse proxy on the same host every
    /// request comes from loopback; a forwarding header left unprocessed (no <c>UseForwardedHeaders</c>)
    /// means the real caller may be anyone, so it does not count as local. No address at all (a Unix
    /// socket, usually behind a proxy) does not count as local either.
    /// </summary>
    /// <param name="context">The request's context.</param>
    public static bool IsLocalRequest(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (!IPAddress.IsLoopback(address))
        {
            return false;
        }

        var headers = context.Request.Headers;
        return !headers.ContainsKey("X-Forwarded-For") && !headers.ContainsKey("Forwarded") && !headers.ContainsKey("X-Real-IP");
    }
}

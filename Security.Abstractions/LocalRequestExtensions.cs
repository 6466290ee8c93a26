using System.Net;

namespace Microsoft.AspNetCore.Http;

/// <summary>The local-caller check shared by the Security.* packages' closed-by-default pages.</summary>
public static class LocalRequestExtensions
{
    // Parts of the header names proxies, load balancers and CDNs use to name the client they speak for
    // (X-Forwarded-For, CF-Connecting-IP, True-Client-IP, X-Original-Forwarded-For, X-ProxyUser-Ip, X-Azure-SocketIP,
    // X-Envoy-External-Address, X-Appengine-User-IP, ...). Matching parts, not a list of names: a list always misses
    // the next CDN's header, and a false match only makes a request not local, which is the safe side.
    private static readonly string[] ProxyHeaderParts =
        ["forwarded", "client", "real-ip", "connecting", "original", "proxy", "socketip", "user-ip", "external-address"];

    /// <summary>
    /// Whether the request comes from this machine and no proxy speaks for it: the client address is a loopback
    /// address (IPv4-mapped ones included) and no request header names a client or a proxy (<c>Forwarded</c>,
    /// <c>Via</c>, or any header whose name contains <c>forwarded</c>, <c>client</c>, <c>real-ip</c>,
    /// <c>connecting</c>, <c>original</c>, <c>proxy</c>, <c>socketip</c>, <c>user-ip</c> or <c>external-address</c>,
    /// ignoring case). Behind a reverse proxy on the same host every request comes from loopback; a client header left
    /// unprocessed (no <c>UseForwardedHeaders</c>) means the real caller may be anyone, so it does not count as local.
    /// A proxy that adds no header at all cannot be told apart: behind one, give the closed pages an authorization
    /// policy instead of relying on this check. No address at all (a Unix socket, usually behind a proxy) is not local.
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

        foreach (var header in context.Request.Headers)
        {
            if (NamesAProxy(header.Key))
            {
                return false;
            }
        }

        return true;
    }

    private static bool NamesAProxy(string name)
    {
        if (name.Equals("Via", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var part in ProxyHeaderParts)
        {
            if (name.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

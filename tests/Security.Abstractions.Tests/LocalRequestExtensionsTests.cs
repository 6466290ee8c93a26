using System.Net;
using Microsoft.AspNetCore.Http;

namespace Security.Abstractions.Tests;

public sealed class LocalRequestExtensionsTests
{
    [TestCase("127.0.0.1", null, true)]
    [TestCase("127.200.3.4", null, true)]
    [TestCase("::1", null, true)]
    [TestCase("::ffff:127.0.0.1", null, true)]
    [TestCase("10.0.0.5", null, false)]
    [TestCase("203.0.113.7", null, false)]
    [TestCase("::ffff:203.0.113.7", null, false)]
    [TestCase("fe80::1", null, false)]
    [TestCase("127.0.0.1", "X-Forwarded-For", false)]
    [TestCase("127.0.0.1", "Forwarded", false)]
    [TestCase("::1", "X-Real-IP", false)]
    [TestCase(null, null, false)]
    public void A_request_is_local_only_from_a_loopback_address_that_no_proxy_speaks_for(string? address, string? forwardingHeader, bool local)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        if (forwardingHeader is not null)
        {
            context.Request.Headers[forwardingHeader] = "203.0.113.7";
        }

        Assert.That(context.IsLocalRequest(), Is.EqualTo(local));
    }

    // The client-address headers proxies and CDNs send in the wild: behind any of them every caller is loopback.
    [TestCase("CF-Connecting-IP")]
    [TestCase("True-Client-IP")]
    [TestCase("X-Client-IP")]
    [TestCase("X-Original-Forwarded-For")]
    [TestCase("X-ProxyUser-Ip")]
    [TestCase("X-Cluster-Client-IP")]
    [TestCase("Fastly-Client-IP")]
    [TestCase("X-Forwarded-Host")]
    [TestCase("X-Forwarded-Proto")]
    [TestCase("X-Azure-ClientIP")]
    [TestCase("X-Azure-SocketIP")]
    [TestCase("X-Envoy-External-Address")]
    [TestCase("X-Original-Host")]
    [TestCase("X-Appengine-User-IP")]
    [TestCase("Akamai-Client-IP")]
    [TestCase("Via")]
    [TestCase("x-forwarded-for")]
    public void Loopback_request_carrying_a_proxys_client_address_header_is_not_local(string header)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[header] = "203.0.113.7";

        Assert.That(context.IsLocalRequest(), Is.False);
    }

    [TestCase("User-Agent")]
    [TestCase("Accept")]
    [TestCase("Referer")]
    [TestCase("X-Requested-With")]
    [TestCase("X-Profile")]
    [TestCase("Cookie")]
    public void Loopback_request_with_ordinary_headers_stays_local(string header)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Headers[header] = "x";

        Assert.That(context.IsLocalRequest(), Is.True);
    }
}

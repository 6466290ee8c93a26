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
}

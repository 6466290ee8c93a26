using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Security.Headers.Internal;
using Security.Testing;

namespace Security.Headers.Tests;

/// <summary>
/// What a scanner learns about the stack from response headers: the OWASP Secure Headers Project's removal list
/// written by an app (or a framework, a proxy module, an APM agent) on a 200, a 404 and an error page, and
/// Kestrel's own 400 for a request it cannot parse.
/// </summary>
public sealed class FingerprintLeakTests
{
    // The names a scanner reads first, spelled as the stacks that send them do; the full list is checked below.
    private static readonly string[] WellKnown =
    [
        "Server", "X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version", "X-SourceFiles", "X-Generator",
        "X-Php-Version", "X-Umbraco-Version", "X-Varnish-Backend", "X-Envoy-Upstream-Service-Time", "X-B3-TraceId",
        "SourceMap", "X-dtAgentId", "$wsep",
    ];

    private static void Leak(HttpContext context, IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            context.Response.Headers[name] = "leak/1.2.3";
        }
    }

    private static async Task<HttpResponseMessage> LeakingResponseAsync(HeadersHost host, string path)
    {
        var response = await host.GetAsync(path);
        Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"), "the security headers ran");
        return response;
    }

    private static void AssertNone(HttpResponseMessage response, IEnumerable<string> names)
    {
        var left = names.Where(n => response.Header(n) is not null).ToList();
        Assert.That(left, Is.Empty, "fingerprinting headers still sent");
    }

    [Test]
    public void The_list_is_the_OWASP_removal_list_of_87_names()
    {
        Assert.That(FingerprintingHeaders.OwaspRemovalList, Has.Length.EqualTo(87));
        Assert.That(FingerprintingHeaders.OwaspRemovalList, Is.Unique.Using((IEqualityComparer<string>)StringComparer.OrdinalIgnoreCase));
        Assert.That(FingerprintingHeaders.OwaspRemovalList, Is.SupersetOf(WellKnown));
    }

    [Test]
    public async Task Every_listed_header_an_endpoint_writes_is_removed_from_its_200()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/", (HttpContext c) =>
        {
            Leak(c, FingerprintingHeaders.OwaspRemovalList);
            return "home";
        }));
        using var response = await LeakingResponseAsync(host, "/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        AssertNone(response, FingerprintingHeaders.OwaspRemovalList);
    }

    // One name alone, in each case the check may see it: the length and character prefilter must let every one through.
    [Test]
    public async Task Each_listed_header_alone_is_removed()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/leak", (HttpContext c, string name) =>
        {
            Leak(c, [name]);
            return "home";
        }));
        var left = new List<string>();
        foreach (var name in FingerprintingHeaders.OwaspRemovalList.SelectMany(n => new[] { n, n.ToLowerInvariant(), n.ToUpperInvariant() }))
        {
            using var response = await host.GetAsync("/leak?name=" + Uri.EscapeDataString(name));
            if (response.Header(name) is not null)
            {
                left.Add(name);
            }
        }

        Assert.That(left, Is.Empty);
    }

    [Test]
    public async Task Names_in_another_case_are_removed_too()
    {
        string[] respelled = ["x-powered-by", "X-ASPNET-VERSION", "x-aspnetmvc-version", "SERVER", "x-sourcefiles"];
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/", (HttpContext c) =>
        {
            Leak(c, respelled);
            return "home";
        }));
        using var response = await LeakingResponseAsync(host, "/");
        AssertNone(response, respelled);
    }

    [Test]
    public async Task A_404_written_by_later_middleware_loses_them()
    {
        await using var host = await HeadersHost.StartAsync(pipeline: app => app.Use((context, next) =>
        {
            Leak(context, WellKnown);
            return next(context);
        }));
        using var response = await LeakingResponseAsync(host, "/no-such-page");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        AssertNone(response, WellKnown);
    }

    [Test]
    public async Task A_500_from_the_exception_handler_loses_them()
    {
        await using var host = await HeadersHost.StartAsync(
            pipeline: app => app.UseExceptionHandler(error => error.Run(context =>
            {
                Leak(context, WellKnown);
                return context.Response.WriteAsync("error page");
            })),
            endpoints: app => app.MapGet("/", (HttpContext c) =>
            {
                Leak(c, WellKnown);
                throw new InvalidOperationException("boom");
            }));
        using var response = await LeakingResponseAsync(host, "/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("error page"));
        AssertNone(response, WellKnown);
    }

    [Test]
    public async Task Kestrel_responses_lose_them()
    {
        await using var app = await TestHost.StartKestrelAsync(
            services => services.AddSecurityHeaders(),
            app =>
            {
                app.UseSecurityHeaders();
                app.MapGet("/", (HttpContext c) =>
                {
                    Leak(c, FingerprintingHeaders.OwaspRemovalList);
                    return "home";
                });
            });
        using var response = await app.Client.GetAsync("/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"));
        AssertNone(response, FingerprintingHeaders.OwaspRemovalList);
    }

    [Test]
    public async Task Additional_names_are_removed_as_well()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.AdditionalFingerprintingHeaders.Add("X-Backend-Host"),
            endpoints: app => app.MapGet("/", (HttpContext c) =>
            {
                Leak(c, ["X-Backend-Host", "X-Powered-By"]);
                return "home";
            }));
        using var response = await LeakingResponseAsync(host, "/");
        AssertNone(response, ["X-Backend-Host", "X-Powered-By"]);
    }

    [Test]
    public async Task With_the_option_off_the_app_keeps_its_headers_but_not_Server()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.RemoveFingerprintingHeaders = false,
            endpoints: app => app.MapGet("/", (HttpContext c) =>
            {
                Leak(c, WellKnown);
                return "home";
            }));
        using var response = await LeakingResponseAsync(host, "/");
        Assert.That(response.Header("X-AspNet-Version"), Is.EqualTo("leak/1.2.3"));
        Assert.That(response.Header("X-SourceFiles"), Is.EqualTo("leak/1.2.3"));
        Assert.That(response.Header("Server"), Is.Null, "RemoveServerHeader still applies");
    }

    [Test]
    public async Task Headers_not_on_the_list_are_kept()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/", (HttpContext c) =>
        {
            c.Response.Headers["X-Request-Id"] = "42";
            c.Response.Headers["X-Powered"] = "kept";
            c.Response.Headers.Vary = "Accept";
            return "home";
        }));
        using var response = await LeakingResponseAsync(host, "/");
        Assert.That(response.Header("X-Request-Id"), Is.EqualTo("42"));
        Assert.That(response.Header("X-Powered"), Is.EqualTo("kept"));
        Assert.That(response.Header("Vary"), Is.EqualTo("Accept"));
    }

    // Kestrel answers a request line it cannot parse itself, before any middleware: only its own Server header could leak.
    [TestCase(true, null)]
    [TestCase(false, "Kestrel")]
    public async Task Kestrels_own_400_for_a_malformed_request_line_carries_no_Server_header(bool removeServerHeader, string? expectedServer)
    {
        await using var app = await TestHost.StartKestrelAsync(
            services => services.AddSecurityHeaders(o => o.RemoveServerHeader = removeServerHeader),
            app =>
            {
                app.UseSecurityHeaders();
                app.MapGet("/", () => "home");
            });

        var head = (await SendRawAsync(app.BaseAddress, "NOT A REQUEST LINE\r\n\r\n")).Split("\r\n");
        Assert.That(head[0], Does.StartWith("HTTP/1.1 400 "));
        var server = head.Skip(1).Where(h => h.StartsWith("Server:", StringComparison.OrdinalIgnoreCase)).Select(h => h["Server:".Length..].Trim()).SingleOrDefault();
        Assert.That(server, Is.EqualTo(expectedServer));
    }

    // The status line and headers of the answer, read up to the blank line that ends them.
    private static async Task<string> SendRawAsync(Uri baseAddress, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, baseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int end;
        while ((end = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) < 0)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                throw new InvalidOperationException("Connection closed before the headers ended: " + received);
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString(0, end);
    }
}

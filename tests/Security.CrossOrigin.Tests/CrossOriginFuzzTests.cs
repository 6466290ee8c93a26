using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Security.CrossOrigin.Internal;

namespace Security.CrossOrigin.Tests;

/// <summary>Random header values: the origin comparison never throws, and the pipeline answers only 200 or 403.</summary>
public sealed class CrossOriginFuzzTests
{
    private static readonly string[] Sites = ["same-origin", "same-site", "cross-site", "none", ""];
    private static readonly string[] Modes = ["navigate", "no-cors", "cors", "same-origin", "websocket", ""];
    private static readonly string[] Dests = ["document", "iframe", "script", "image", "object", "embed", "empty", ""];
    private static readonly string[] Methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "get", "TRACE"];

    private static Gen<string> Text() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        Gen.Elements("http://localhost", "http://[::1]:80", "null", "http://", "://", "[", "http://[", "http://a:", "http://a:99999999999", "http://\uD800"));

    [Test]
    public void Origin_comparison_never_throws()
    {
        var inputs = from origin in Text() from scheme in Gen.Elements("http", "https", "") from host in Text() select (origin, scheme, host);
        Prop.ForAll(Arb.From(inputs), t =>
            {
                _ = RequestOrigin.IsSame(t.origin, t.scheme, t.host);
                return true;
            })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000).WithQuietOnSuccess(true));
    }

    [Test]
    public void An_origin_built_from_the_requests_own_scheme_host_and_port_is_the_same_and_another_port_is_not()
    {
        var hosts = Gen.Elements("a", "example.com", "xn--bcher-kva.example", "[::1]", "[2001:db8::1]", "127.0.0.1", "LocalHost");
        var inputs = from scheme in Gen.Elements("http", "https") from host in hosts from port in Gen.Choose(1, 65534) select (scheme, host, port);
        Prop.ForAll(Arb.From(inputs), t =>
            {
                var (scheme, host, port) = t;
                return RequestOrigin.IsSame($"{scheme}://{host.ToUpperInvariant()}:{port}", scheme, $"{host}:{port}") &&
                       !RequestOrigin.IsSame($"{scheme}://{host}:{port + 1}", scheme, $"{host}:{port}");
            })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
    }

    [Test]
    public async Task Random_fetch_metadata_and_origins_get_only_200_or_403()
    {
        await using var host = await CrossOriginHost.StartAsync(o => o.Mode = CrossOriginProtectionMode.ResourceIsolation);
        var requests =
            from method in Gen.Elements(Methods)
            from site in Gen.OneOf(Gen.Elements(Sites), Text())
            from mode in Gen.OneOf(Gen.Elements(Modes), Text())
            from dest in Gen.OneOf(Gen.Elements(Dests), Text())
            from origin in Text()
            select (method, site, mode, dest, origin);
        var statuses = new HashSet<int>();

        foreach (var (method, site, mode, dest, origin) in requests.Sample(300, 40))
        {
            var context = await host.SendRawAsync(c =>
            {
                c.Request.Method = method;
                c.Request.Path = "/api/orders";
                c.Request.Headers["Sec-Fetch-Site"] = site;
                c.Request.Headers["Sec-Fetch-Mode"] = mode;
                c.Request.Headers["Sec-Fetch-Dest"] = dest;
                c.Request.Headers.Origin = origin;
            });
            statuses.Add(context.Response.StatusCode);
        }

        Assert.That(statuses, Is.SubsetOf(new[] { StatusCodes.Status200OK, StatusCodes.Status403Forbidden }));
    }
}

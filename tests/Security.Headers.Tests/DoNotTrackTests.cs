using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Security.Headers.Tests;

public sealed class DoNotTrackTests
{
    private static Action<WebApplication> Preference => app => app.MapGet("/", (HttpContext context) =>
    {
        var preference = context.GetDoNotTrack();
        return $"{preference.DoNotTrack?.ToString() ?? "none"}|{preference.GlobalPrivacyControl}|{preference.OptedOut}";
    });

    [TestCase("1", "True|False|True")]
    [TestCase(" 1 ", "True|False|True")]
    [TestCase("0", "False|False|False")]
    [TestCase("yes", "False|False|False")]
    [TestCase(null, "none|False|False")]
    public async Task Dnt_header_gives_a_tri_state_preference(string? dnt, string expected)
    {
        await using var host = await HeadersHost.StartAsync(endpoints: Preference);
        using var response = dnt is null ? await host.GetAsync("/") : await host.GetAsync("/", ("DNT", dnt));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(expected));
    }

    [TestCase("1", "none|True|True")]
    [TestCase("0", "none|False|False")]
    public async Task Sec_gpc_header_is_read_into_the_same_preference(string gpc, string expected)
    {
        await using var host = await HeadersHost.StartAsync(endpoints: Preference);
        using var response = await host.GetAsync("/", ("Sec-GPC", gpc));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Both_headers_are_read_together()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: Preference);
        using var response = await host.GetAsync("/", ("DNT", "0"), ("Sec-GPC", "1"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("False|True|True"));
    }

    [TestCase("1")]
    [TestCase("0")]
    [TestCase("anything")]
    public async Task Request_dnt_value_is_echoed_into_the_response_when_asked(string dnt)
    {
        await using var host = await HeadersHost.StartAsync(o => o.EchoDoNotTrack = true);
        using var response = await host.GetAsync("/", ("DNT", dnt));
        Assert.That(response.Header("DNT"), Is.EqualTo(dnt));
    }

    [Test]
    public async Task Dnt_is_echoed_on_a_404_too()
    {
        await using var host = await HeadersHost.StartAsync(o => o.EchoDoNotTrack = true);
        using var response = await host.GetAsync("/missing", ("DNT", "1"));
        Assert.That(response.Header("DNT"), Is.EqualTo("1"));
    }

    [Test]
    public async Task No_dnt_request_header_means_no_dnt_response_header()
    {
        await using var host = await HeadersHost.StartAsync(o => o.EchoDoNotTrack = true);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("DNT"), Is.Null);
    }

    [Test]
    public async Task Echo_is_off_by_default_as_django_security_middleware_is_opt_in()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: Preference);
        using var response = await host.GetAsync("/", ("DNT", "1"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Header("DNT"), Is.Null);
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("True|False|True"), "the preference is still read");
        }
    }

    [Test]
    public async Task Echo_can_be_switched_on_from_configuration()
    {
        await using var host = await HeadersHost.StartAsync(settings: new Dictionary<string, string?> { ["Security:Headers:EchoDoNotTrack"] = "true" });
        using var response = await host.GetAsync("/", ("DNT", "1"));
        Assert.That(response.Header("DNT"), Is.EqualTo("1"));
    }

    [Test]
    public void Preference_is_read_without_the_middleware()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["DNT"] = "1";
        Assert.That(context.GetDoNotTrack(), Is.EqualTo(new DoNotTrackPreference(true, false)));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Security.Testing;

namespace Security.Headers.Tests;

public sealed class FrameOptionsTests
{
    [TestCase("deny", "DENY")]
    [TestCase("DENY", "DENY")]
    [TestCase("sameorigin", "SAMEORIGIN")]
    [TestCase("SameOrigin", "SAMEORIGIN")]
    [TestCase("allow-from:https://example.com", "ALLOW-FROM https://example.com")]
    [TestCase("ALLOW-FROM:https://example.com/page", "ALLOW-FROM https://example.com/page")]
    public async Task Configured_value_is_sent_case_insensitively(string configured, string expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.FrameOptions = configured);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("X-Frame-Options"), Is.EqualTo(expected));
    }

    [TestCase("off")]
    [TestCase("OFF")]
    public async Task Off_sends_no_header(string off)
    {
        await using var host = await HeadersHost.StartAsync(o => o.FrameOptions = off);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("X-Frame-Options"), Is.Null);
    }

    [TestCase("/test1/", null)]
    [TestCase("/test1/more", "DENY")]
    [TestCase("/test2/", null)]
    [TestCase("/test2/anything", null)]
    [TestCase("/other/test1/", "DENY")]
    [TestCase("/", "DENY")]
    public async Task Exclusion_patterns_match_the_path_with_its_leading_slash(string path, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(
            o =>
            {
                o.FrameOptionsExcludePaths.Add("^/test1/$");
                o.FrameOptionsExcludePaths.Add("/test2/");
            },
            endpoints: app => app.MapGet("/{**rest}", () => "page"));
        using var response = await host.GetAsync(path);
        Assert.That(response.Header("X-Frame-Options"), Is.EqualTo(expected));
    }

    [Test]
    public async Task A_pattern_without_the_leading_slash_does_not_exclude()
    {
        await using var host = await HeadersHost.StartAsync(o => o.FrameOptionsExcludePaths.Add("test1/"), endpoints: app => app.MapGet("/test1/", () => "page"));
        using var response = await host.GetAsync("/test1/");
        Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("DENY"));
    }

    [Test]
    public async Task Exclusions_apply_to_404s_too()
    {
        await using var host = await HeadersHost.StartAsync(o => o.FrameOptionsExcludePaths.Add("^/embed/"));
        using var response = await host.GetAsync("/embed/missing");
        Assert.That(response.Header("X-Frame-Options"), Is.Null);
        Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo("nosniff"));
    }

    [Test]
    public async Task Endpoint_convention_overrides_the_configured_value_and_the_exclusions()
    {
        await using var host = await HeadersHost.StartAsync(
            o => o.FrameOptionsExcludePaths.Add("^/excluded"),
            endpoints: app =>
            {
                app.MapGet("/embeddable", () => "page").WithFrameOptions("sameorigin");
                app.MapGet("/excluded", () => "page").WithFrameOptions("deny");
                app.MapGet("/unframed", () => "page").WithFrameOptions("off");
            });
        using var embeddable = await host.GetAsync("/embeddable");
        using var excluded = await host.GetAsync("/excluded");
        using var unframed = await host.GetAsync("/unframed");
        Assert.That(embeddable.Header("X-Frame-Options"), Is.EqualTo("SAMEORIGIN"));
        Assert.That(excluded.Header("X-Frame-Options"), Is.EqualTo("DENY"));
        Assert.That(unframed.Header("X-Frame-Options"), Is.Null);
    }

    [Test]
    public async Task Endpoint_attribute_overrides_the_configured_value()
    {
        await using var host = await HeadersHost.StartAsync(endpoints: app => app.MapGet("/embeddable", [FrameOptions("SAMEORIGIN")] () => "page"));
        using var response = await host.GetAsync("/embeddable");
        Assert.That(response.Header("X-Frame-Options"), Is.EqualTo("SAMEORIGIN"));
    }

    [Test]
    public void Endpoint_convention_with_an_invalid_value_fails_when_mapped()
    {
        var ex = Assert.ThrowsAsync<ArgumentException>(() => TestHost.StartAsync(null, app => app.MapGet("/x", () => "x").WithFrameOptions("allow-all")));
        Assert.That(ex!.Message, Does.Contain("'allow-all'").And.Contain("sameorigin"));
    }

    [Test]
    public async Task Allow_from_logs_a_startup_warning_recommending_frame_ancestors()
    {
        await using var host = await HeadersHost.StartAsync(o => o.FrameOptions = "allow-from:https://example.com");
        var warning = host.Logs.Entries.Single(e => e.EventId.Id == 2001 && e.Category == "Security.Headers");
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain("frame-ancestors").And.Contain("allow-from:https://example.com"));
    }

    [Test]
    public async Task Deny_logs_no_warning()
    {
        await using var host = await HeadersHost.StartAsync();
        Assert.That(host.Logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Security.", StringComparison.Ordinal)), Is.Empty);
    }
}

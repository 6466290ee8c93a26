namespace Security.Headers.Tests;

public sealed class ModernHeadersTests
{
    [TestCase("same-origin", "same-origin")]
    [TestCase("Same-Origin-Allow-Popups", "same-origin-allow-popups")]
    [TestCase("noopener-allow-popups", "noopener-allow-popups")]
    [TestCase("unsafe-none", "unsafe-none")]
    [TestCase("off", null)]
    public async Task Cross_origin_opener_policy_is_configurable(string value, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.CrossOriginOpenerPolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Cross-Origin-Opener-Policy"), Is.EqualTo(expected));
    }

    [TestCase("require-corp", "require-corp")]
    [TestCase("CREDENTIALLESS", "credentialless")]
    [TestCase("unsafe-none", "unsafe-none")]
    [TestCase("off", null)]
    public async Task Cross_origin_embedder_policy_is_configurable(string value, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.CrossOriginEmbedderPolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Cross-Origin-Embedder-Policy"), Is.EqualTo(expected));
    }

    [TestCase("same-origin", "same-origin")]
    [TestCase("same-site", "same-site")]
    [TestCase("Cross-Origin", "cross-origin")]
    [TestCase("off", null)]
    public async Task Cross_origin_resource_policy_is_configurable(string value, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.CrossOriginResourcePolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Cross-Origin-Resource-Policy"), Is.EqualTo(expected));
    }

    [TestCase("none", "none")]
    [TestCase("master-only", "master-only")]
    [TestCase("by-content-type", "by-content-type")]
    [TestCase("by-ftp-filename", "by-ftp-filename")]
    [TestCase("all", "all")]
    [TestCase("none-this-response", "none-this-response")]
    [TestCase("off", null)]
    public async Task X_permitted_cross_domain_policies_is_configurable(string value, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.PermittedCrossDomainPolicies = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("X-Permitted-Cross-Domain-Policies"), Is.EqualTo(expected));
    }

    [TestCase("nosniff", "nosniff")]
    [TestCase("NoSniff", "nosniff")]
    [TestCase("off", null)]
    public async Task X_content_type_options_is_configurable(string value, string? expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.ContentTypeOptions = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("X-Content-Type-Options"), Is.EqualTo(expected));
    }

    [TestCase("camera=()")]
    [TestCase("camera=(), geolocation=(self \"https://maps.example\"), fullscreen=*")]
    [TestCase("interest-cohort=(), payment=self")]
    public async Task Permissions_policy_is_sent_as_given_when_unlisted_features_are_not_denied(string value)
    {
        await using var host = await HeadersHost.StartAsync(o =>
        {
            o.PermissionsPolicy = value;
            o.DenyUnlistedPermissions = false;
        });
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Permissions-Policy"), Is.EqualTo(value));
    }
}

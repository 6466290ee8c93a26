using Microsoft.Extensions.Logging;
using Security.Headers.Internal;

namespace Security.Headers.Tests;

/// <summary>Permissions-Policy: every feature the app does not use is denied, so injected script cannot use it either.</summary>
public sealed class PermissionsPolicyTests
{
    private static async Task<Dictionary<string, string>> PolicyAsync(Action<SecurityHeadersOptions>? configure = null)
    {
        await using var host = await HeadersHost.StartAsync(configure);
        using var response = await host.GetAsync("/");
        var header = response.Header("Permissions-Policy");
        Assert.That(header, Is.Not.Null);
        return header!.Split(", ").Select(item => item.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    [TestCase("camera")]
    [TestCase("microphone")]
    [TestCase("geolocation")]
    [TestCase("usb")]
    [TestCase("unload")]
    [TestCase("local-network")]
    [TestCase("loopback-network")]
    [TestCase("local-network-access")]
    [TestCase("sync-xhr")]
    [TestCase("clipboard-read")]
    [TestCase("display-capture")]
    [TestCase("language-model")]
    [TestCase("browsing-topics")]
    [TestCase("cross-origin-isolated")]
    public async Task By_default_a_feature_is_denied_to_the_page_and_its_frames(string feature)
    {
        var policy = await PolicyAsync();
        Assert.That(policy[feature], Is.EqualTo("()"));
    }

    [Test]
    public async Task By_default_every_catalogue_feature_is_named_once_and_passkeys_stay_with_the_site()
    {
        var policy = await PolicyAsync();
        Assert.That(policy.Keys, Is.EquivalentTo(PermissionsPolicyFeatures.Denied.Concat(PermissionsPolicyFeatures.SelfOnly)));
        Assert.That(policy["publickey-credentials-get"], Is.EqualTo("(self)"));
        Assert.That(policy["publickey-credentials-create"], Is.EqualTo("(self)"));
        Assert.That(policy.Keys, Has.None.StartsWith("ch-"), "client hints are left at the browser's default");
        Assert.That(policy.Keys, Has.No.Member("aria-notify"), "screen-reader announcements are never turned off");
    }

    [Test]
    public async Task A_feature_the_app_names_is_sent_as_the_app_wrote_it_and_not_denied()
    {
        var policy = await PolicyAsync(o => o.PermissionsPolicy = "camera=(self), fullscreen=*, geolocation=(self \"https://maps.example\")");
        Assert.That(policy["camera"], Is.EqualTo("(self)"));
        Assert.That(policy["fullscreen"], Is.EqualTo("*"));
        Assert.That(policy["geolocation"], Is.EqualTo("(self \"https://maps.example\")"));
        Assert.That(policy["microphone"], Is.EqualTo("()"));
    }

    [Test]
    public async Task With_cross_origin_embedder_policy_on_cross_origin_isolation_is_not_denied()
    {
        var policy = await PolicyAsync(o => o.CrossOriginEmbedderPolicy = "require-corp");
        Assert.That(policy["cross-origin-isolated"], Is.EqualTo("(self)"));
    }

    [TestCase("off", true)]
    [TestCase("OFF", true)]
    [TestCase("", false)]
    public async Task No_header_for_off_or_for_an_empty_policy_that_denies_nothing_else(string policy, bool denyUnlisted)
    {
        await using var host = await HeadersHost.StartAsync(o => (o.PermissionsPolicy, o.DenyUnlistedPermissions) = (policy, denyUnlisted));
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Permissions-Policy"), Is.Null);
    }

    [Test]
    public async Task A_feature_browsers_do_not_know_logs_a_startup_warning_naming_it()
    {
        await using var host = await HeadersHost.StartAsync(o => o.PermissionsPolicy = "camara=(self), camera=(self)");
        using var response = await host.GetAsync("/");
        var warnings = host.Logs.Entries.Where(e => e.EventId.Id == 2004 && e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("Security:Headers:PermissionsPolicy").And.Contain("'camara'"));
        Assert.That(response.Header("Permissions-Policy"), Does.StartWith("camara=(self), camera=(self), accelerometer=()"), "sent as given: a newer browser may know it");
    }

    [Test]
    public async Task Known_features_log_no_warning()
    {
        await using var host = await HeadersHost.StartAsync(o => o.PermissionsPolicy = "ch-ua-model=(self), web-share=(self), camera=()");
        Assert.That(host.Logs.Entries.Where(e => e.EventId.Id == 2004), Is.Empty);
    }
}

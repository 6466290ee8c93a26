using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Security.Headers.Tests;

public sealed class StartupValidationTests
{
    private static async Task<string> StartupErrorAsync(Action<SecurityHeadersOptions>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var error = await HeadersHost.StartupErrorAsync(configure, settings);
        Assert.That(error, Is.InstanceOf<OptionsValidationException>(), error?.ToString());
        return error!.Message;
    }

    private static IEnumerable<TestCaseData> BadValues()
    {
        TestCaseData Case(string option, string value, Action<SecurityHeadersOptions> set) =>
            new TestCaseData(set, "Security:Headers:" + option, value).SetArgDisplayNames(option, value);

        yield return Case("FrameOptions", "'allowall'", o => o.FrameOptions = "allowall");
        yield return Case("FrameOptions", "'allow-from:'", o => o.FrameOptions = "allow-from:");
        yield return Case("FrameOptions", "'allow-from:not a url'", o => o.FrameOptions = "allow-from:not a url");
        yield return Case("FrameOptions", "'allow-from:javascript:alert(1)'", o => o.FrameOptions = "allow-from:javascript:alert(1)");
        yield return Case("FrameOptions", "is empty", o => o.FrameOptions = "");
        yield return Case("ReferrerPolicy", "'foo'", o => o.ReferrerPolicy = "foo");
        yield return Case("ReferrerPolicy", "'no-referrer, foo'", o => o.ReferrerPolicy = "no-referrer, foo");
        yield return Case("ReferrerPolicy", "'same-origin, off'", o => o.ReferrerPolicy = "same-origin, off");
        yield return Case("ReferrerPolicy", "'no-referrer,'", o => o.ReferrerPolicy = "no-referrer,");
        yield return Case("ContentTypeOptions", "'sniff'", o => o.ContentTypeOptions = "sniff");
        yield return Case("CrossOriginOpenerPolicy", "'same-site'", o => o.CrossOriginOpenerPolicy = "same-site");
        yield return Case("CrossOriginEmbedderPolicy", "'require-cors'", o => o.CrossOriginEmbedderPolicy = "require-cors");
        yield return Case("CrossOriginResourcePolicy", "'same-origin-allow-popups'", o => o.CrossOriginResourcePolicy = "same-origin-allow-popups");
        yield return Case("PermittedCrossDomainPolicies", "'some'", o => o.PermittedCrossDomainPolicies = "some");
        yield return Case("PermissionsPolicy", "'camera'", o => o.PermissionsPolicy = "camera");
        yield return Case("PermissionsPolicy", "'Camera=()'", o => o.PermissionsPolicy = "Camera=()");
        yield return Case("PermissionsPolicy", "'camera=(none)'", o => o.PermissionsPolicy = "camera=(none)");
        yield return Case("PermissionsPolicy", "'camera=(); script-src *'", o => o.PermissionsPolicy = "camera=(); script-src *");
        yield return Case("AdditionalFingerprintingHeaders[0]", "'X-Backend Host' is not a header name", o => o.AdditionalFingerprintingHeaders.Add("X-Backend Host"));
        yield return Case("AdditionalFingerprintingHeaders[0]", "'X-Backend:' is not a header name", o => o.AdditionalFingerprintingHeaders.Add("X-Backend:"));
        yield return Case("AdditionalFingerprintingHeaders[0]", "'' is not a header name", o => o.AdditionalFingerprintingHeaders.Add(""));
        yield return Case("FrameOptionsExcludePaths[1]", "'(unclosed'", o =>
        {
            o.FrameOptionsExcludePaths.Add("^/ok/");
            o.FrameOptionsExcludePaths.Add("(unclosed");
        });
        yield return Case("FrameOptionsExcludePaths[0]", "'(?<=a)b'", o => o.FrameOptionsExcludePaths.Add("(?<=a)b"));
        yield return Case("NoConfidentialCaching:WhitelistPaths[0]", "'[z-a]'", o => o.NoConfidentialCaching.WhitelistPaths.Add("[z-a]"));
        yield return Case("NoConfidentialCaching:BlacklistPaths[0]", "'(a)\\1'", o => o.NoConfidentialCaching.BlacklistPaths.Add(@"(a)\1"));
        yield return Case("ClearSiteData:Directives[1]", "'everything'", o =>
        {
            o.ClearSiteData.Directives.Add("cookies");
            o.ClearSiteData.Directives.Add("everything");
        });
        yield return Case("ClearSiteData:Paths[0]", "'logout'", o => o.ClearSiteData.Paths.Add("logout"));
        yield return Case("ClearSiteData:Paths[0]", "'//evil.example/logout'", o => o.ClearSiteData.Paths.Add("//evil.example/logout"));
        yield return Case("StrictTransportSecurity:MaxAge", "'-1.00:00:00'", o => o.StrictTransportSecurity.MaxAge = TimeSpan.FromDays(-1));
        yield return Case("StrictTransportSecurity:Preload", "IncludeSubDomains 'False'", o =>
        {
            o.StrictTransportSecurity.Preload = true;
            o.StrictTransportSecurity.IncludeSubDomains = false;
        });
        yield return Case("StrictTransportSecurity:Preload", "MaxAge '30.00:00:00'", o =>
        {
            o.StrictTransportSecurity.Preload = true;
            o.StrictTransportSecurity.MaxAge = TimeSpan.FromDays(30);
        });
    }

    [TestCaseSource(nameof(BadValues))]
    public async Task Bad_setting_stops_the_app_naming_the_option_and_the_value(Action<SecurityHeadersOptions> configure, string option, string value)
    {
        var message = await StartupErrorAsync(configure);
        // Path pattern failures come from Security.Abstractions as "option[i] 'value' ...", the others as "option: 'value' ...".
        Assert.That(message, Does.Match(Regex.Escape(option) + ":? ").And.Contain(value));
    }

    [Test]
    public async Task Invalid_value_message_lists_the_allowed_values()
    {
        var message = await StartupErrorAsync(o => o.ReferrerPolicy = "foo");
        Assert.That(message, Does.Contain("Security:Headers:ReferrerPolicy: 'foo' is not valid; allowed values: no-referrer, no-referrer-when-downgrade, origin,"));
    }

    [TestCase("deny\r\nSet-Cookie: a=b")]
    [TestCase("sameorigin\n")]
    public async Task Cr_or_lf_in_a_value_is_reported_escaped(string value)
    {
        var message = await StartupErrorAsync(o =>
        {
            o.FrameOptions = value;
            o.ReferrerPolicy = value;
            o.PermissionsPolicy = "camera=()\r\nX-Evil: 1";
            o.ClearSiteData.Directives.Add("cookies\r\n");
        });
        Assert.That(message, Does.Not.Contain("\r").And.Not.Contain("\n"));
        Assert.That(message, Does.Contain("Security:Headers:FrameOptions: '" + value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "' contains a character not allowed"));
        Assert.That(message, Does.Contain("Security:Headers:ReferrerPolicy: '"));
        Assert.That(message, Does.Contain("Security:Headers:PermissionsPolicy: 'camera=()\\r\\nX-Evil: 1' contains a character not allowed"));
        Assert.That(message, Does.Contain("Security:Headers:ClearSiteData:Directives[0]: 'cookies\\r\\n' contains a character not allowed"));
    }

    [Test]
    public async Task Every_failure_is_reported_at_once()
    {
        var error = await HeadersHost.StartupErrorAsync(o =>
        {
            o.FrameOptions = "allowall";
            o.ReferrerPolicy = "foo";
            o.CrossOriginOpenerPolicy = "bar";
            o.FrameOptionsExcludePaths.Add("(");
            o.ClearSiteData.Directives.Add("everything");
        });
        var failures = ((OptionsValidationException)error!).Failures.ToList();
        Assert.That(failures, Has.Count.EqualTo(5));
        Assert.That(error.Message, Does.Contain("Security:Headers:FrameOptions: 'allowall'")
            .And.Contain("Security:Headers:ReferrerPolicy: 'foo'")
            .And.Contain("Security:Headers:CrossOriginOpenerPolicy: 'bar'")
            .And.Contain("Security:Headers:FrameOptionsExcludePaths[0] '('")
            .And.Contain("Security:Headers:ClearSiteData:Directives[0]: 'everything'"));
    }

    [Test]
    public async Task Bad_values_from_configuration_are_reported_with_their_configuration_path()
    {
        var message = await StartupErrorAsync(settings: new Dictionary<string, string?>
        {
            ["Security:Headers:ReferrerPolicy"] = "foo",
            ["Security:Headers:FrameOptions"] = "never",
            ["Security:Headers:NoConfidentialCaching:BlacklistPaths:0"] = "(",
        });
        Assert.That(message, Does.Contain("Security:Headers:ReferrerPolicy: 'foo'")
            .And.Contain("Security:Headers:FrameOptions: 'never'")
            .And.Contain("Security:Headers:NoConfidentialCaching:BlacklistPaths[0] '('"));
    }

    [TestCase("FrameOptionsExcludePaths", "^/test1/$")]
    [TestCase("NoConfidentialCaching:WhitelistPaths", "static/")]
    [TestCase("NoConfidentialCaching:BlacklistPaths", "account/")]
    [TestCase("ClearSiteData:Paths", "/logout")]
    [TestCase("ClearSiteData:Directives", "cookies")]
    public async Task A_single_string_where_a_list_is_expected_is_a_startup_error(string option, string value)
    {
        var message = await StartupErrorAsync(settings: new Dictionary<string, string?> { ["Security:Headers:" + option] = value });
        Assert.That(message, Does.Contain($"Security:Headers:{option}: '{value}' must be a list"));
    }
}

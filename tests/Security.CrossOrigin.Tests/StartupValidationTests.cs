using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Testing;

namespace Security.CrossOrigin.Tests;

/// <summary>Bad settings stop the app at startup, every one named with its option path.</summary>
public class StartupValidationTests
{
    [TestCase("https://app.example/")]
    [TestCase("https://app.example/path")]
    [TestCase("https://*.example.com")]
    [TestCase("app.example")]
    [TestCase("null")]
    [TestCase("ftp://app.example")]
    [TestCase("https://app.example?x=1")]
    [TestCase("https://user@app.example")]
    [TestCase("")]
    public async Task Trusted_origin_that_is_not_a_bare_origin_is_a_startup_error(string origin)
    {
        var error = await CrossOriginHost.StartupErrorAsync(o => o.TrustedOrigins.Add(origin));

        Assert.That(error, Is.InstanceOf<OptionsValidationException>());
        Assert.That(error!.Message, Does.Contain("Security:CrossOrigin:TrustedOrigins[0]"));
    }

    [Test]
    public async Task Every_bad_setting_is_reported_at_once()
    {
        var error = await CrossOriginHost.StartupErrorAsync(settings: new Dictionary<string, string?>
        {
            ["Security:CrossOrigin:TrustedOrigins:0"] = "https://ok.example",
            ["Security:CrossOrigin:TrustedOrigins:1"] = "https://bad.example/x",
            ["Security:CrossOrigin:ExemptPaths:0"] = "hooks/(",
            ["Security:CrossOrigin:CorsPolicyName"] = " ",
        });

        Assert.That(error, Is.InstanceOf<OptionsValidationException>());
        var failures = ((OptionsValidationException)error!).Failures.ToList();
        Assert.That(failures, Has.Count.EqualTo(3));
        Assert.That(failures, Has.Some.StartsWith("Security:CrossOrigin:TrustedOrigins[1] 'https://bad.example/x'").Or.StartsWith("Security:CrossOrigin:TrustedOrigins[1]: 'https://bad.example/x'"));
        Assert.That(failures, Has.Some.Contains("Security:CrossOrigin:ExemptPaths[0] 'hooks/('"));
        Assert.That(failures, Has.Some.StartsWith("Security:CrossOrigin:CorsPolicyName"));
    }

    [TestCase("Bogus")]
    [TestCase("7")]
    public async Task Unknown_mode_is_a_startup_error_naming_the_option(string mode)
    {
        var error = await CrossOriginHost.StartupErrorAsync(settings: new Dictionary<string, string?> { ["Security:CrossOrigin:Mode"] = mode });

        Assert.That(error?.Message, Does.Contain("Security:CrossOrigin:Mode"));
    }

    [Test]
    public async Task A_single_string_where_a_list_belongs_is_a_startup_error()
    {
        var error = await CrossOriginHost.StartupErrorAsync(settings: new Dictionary<string, string?> { ["Security:CrossOrigin:TrustedOrigins"] = "https://app.example" });

        Assert.That(error?.Message, Does.Contain("Security:CrossOrigin:TrustedOrigins: 'https://app.example' must be a list"));
    }

    [Test]
    public async Task Exempt_path_that_matches_more_than_meant_is_warned_about_at_startup()
    {
        await using var host = await CrossOriginHost.StartAsync(o => o.ExemptPaths.Add("hooks"));

        var warning = host.Logs.GetSnapshot().Single(r => r.Id.Id == 7002);
        Assert.That(warning.Message, Does.Contain("Security:CrossOrigin:ExemptPaths[0] 'hooks' also exempts '/hooks-admin'"));
    }

    [Test]
    public void UseCrossOriginProtection_without_AddCrossOriginProtection_names_the_missing_call()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var app = await TestHost.StartAsync(null, web => web.UseCrossOriginProtection());
        });

        Assert.That(error!.Message, Does.Contain("AddCrossOriginProtection()"));
    }

    [Test]
    public async Task AddCrossOriginProtection_twice_applies_both_configurations()
    {
        await using var host = await CrossOriginHost.StartAsync(
            o => o.TrustedOrigins.Add("https://one.example"),
            services: s => s.AddCrossOriginProtection(o => o.TrustedOrigins.Add("https://two.example")));

        using var one = await host.SendAsync("POST", "/api/orders", ("Origin", "https://one.example"));
        using var two = await host.SendAsync("POST", "/api/orders", ("Origin", "https://two.example"));

        Assert.Multiple(() =>
        {
            Assert.That(one.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(two.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        });
    }
}

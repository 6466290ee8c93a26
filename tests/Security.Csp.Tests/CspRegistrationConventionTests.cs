using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// The shape every Security.* package shares: registering twice is harmless, running without registering fails
/// with a message that says what to call, and log event ids stay in the package's range.
/// </summary>
public sealed class CspRegistrationConventionTests
{
    private const string MissingServices = "call services.AddSecurityCsp() in the app's startup code";

    [Test]
    public void Options_are_bound_from_the_Security_Csp_section() =>
        Assert.That(SecurityCspOptions.SectionName, Is.EqualTo("Security:Csp"));

    [Test]
    public void AddSecurityCsp_called_twice_registers_its_services_once()
    {
        var once = new ServiceCollection();
        once.AddSecurityCsp(o => o.ReportUri = "/a");
        var twice = new ServiceCollection();
        twice.AddSecurityCsp(o => o.ReportUri = "/a");
        twice.AddSecurityCsp(o => o.ReportUri = "/b");

        // The second call adds its configure delegate and nothing else.
        Assert.That(twice, Has.Count.EqualTo(once.Count + 1), string.Join("\n", twice.Select(d => d.ServiceType.Name)));
    }

    [Test]
    public async Task AddSecurityCsp_called_twice_applies_both_configure_delegates_in_call_order()
    {
        await using var app = await CspTestHost.StartAsync(
            s =>
            {
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.ReportUri = "/first";
                });
                s.AddSecurityCsp(o => o.ReportUri = "/second");
            },
            a =>
            {
                a.UseContentSecurityPolicy();
                a.MapGet("/", () => "page");
            });

        Assert.That(await app.GetCspAsync(), Is.EqualTo("default-src 'self'; report-uri /second"));
    }

    [Test]
    public void UseContentSecurityPolicy_without_AddSecurityCsp_fails_naming_AddSecurityCsp()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(null, a => a.UseContentSecurityPolicy()));

        Assert.That(ex!.Message, Does.Contain(MissingServices));
    }

    [Test]
    public void MapCspReports_without_AddSecurityCsp_fails_naming_AddSecurityCsp()
    {
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(null, a => a.MapCspReports()));

        Assert.That(ex!.Message, Does.Contain(MissingServices));
    }

    [Test]
    public void MapCspReportDashboard_without_AddSecurityCsp_fails_even_when_a_report_store_is_registered()
    {
        // A storage package can register the store roles; the dashboard still needs the CSP services.
        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(
            s => s.AddSingleton<ICspReportStoreReader>(new InMemoryCspReportStore()),
            a => a.MapCspReportDashboard()));

        Assert.That(ex!.Message, Does.Contain(MissingServices));
    }

    [Test]
    public async Task Nonce_directives_given_as_one_string_fail_at_startup()
    {
        // The binder would drop the string and the nonce would silently go to script-src and style-src.
        OptionsValidationException? caught = null;
        try
        {
            await using var app = await CspTestHost.StartWithPageAsync(appSettingsJson: """
                {"Security": {"Csp": {"Policy": {"default-src": ["self"]}, "Nonce": {"Enabled": true, "Directives": "style-src"}}}}
                """);
        }
        catch (OptionsValidationException ex)
        {
            caught = ex;
        }

        Assert.That(caught, Is.Not.Null, "the app started although Nonce:Directives was lost");
        Assert.That(caught!.Failures, Has.Some.StartsWith("Security:Csp:Nonce:Directives: 'style-src' must be a list"));
    }

    [Test]
    public void Log_event_ids_are_in_the_package_range_and_used_once()
    {
        var ids = typeof(SecurityCspBuilder).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.Not.Empty);
            Assert.That(ids, Is.All.InRange(3000, 3999));
            Assert.That(ids, Is.Unique);
        });
    }
}

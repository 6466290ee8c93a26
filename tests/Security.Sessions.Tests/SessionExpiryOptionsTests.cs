using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Security.Testing;

namespace Security.Sessions.Tests;

public class SessionExpiryOptionsTests
{
    [Test]
    public void Defaults_are_one_day_absolute_and_thirty_minutes_inactivity()
    {
        var options = new SessionExpiryOptions();

        Assert.That(options.AbsoluteTimeout, Is.EqualTo(TimeSpan.FromDays(1)));
        Assert.That(options.InactivityTimeout, Is.EqualTo(TimeSpan.FromMinutes(30)));
        Assert.That(options.ExemptPaths, Is.Empty);
        Assert.That(options.OnStoreUnavailable, Is.EqualTo(SessionStoreUnavailableAction.SignOut));
    }

    [Test]
    public async Task Configuration_section_is_bound_and_code_wins()
    {
        await using var app = await TestHost.StartAsync(
            services => services.AddSessionExpiry(o => o.AbsoluteTimeout = TimeSpan.FromHours(4)),
            _ => { },
            new Dictionary<string, string?>
            {
                ["Security:Sessions:AbsoluteTimeout"] = "08:00:00",
                ["Security:Sessions:InactivityTimeout"] = "00:00:05",
                ["Security:Sessions:ExemptPaths:0"] = "health$",
                ["Security:Sessions:OnStoreUnavailable"] = "Reject",
            });

        var options = app.Services.GetRequiredService<IOptions<SessionExpiryOptions>>().Value;

        Assert.That(options.AbsoluteTimeout, Is.EqualTo(TimeSpan.FromHours(4)));
        Assert.That(options.InactivityTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.ExemptPaths, Is.EqualTo(new[] { "health$" }));
        Assert.That(options.OnStoreUnavailable, Is.EqualTo(SessionStoreUnavailableAction.Reject));
    }

    [Test]
    public void Every_bad_setting_fails_startup_at_once_naming_the_option()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(
            services => services.AddSessionExpiry(o =>
            {
                o.AbsoluteTimeout = TimeSpan.Zero;
                o.InactivityTimeout = TimeSpan.FromMinutes(-1);
                o.ExemptPaths.Add("(unclosed");
                o.OnStoreUnavailable = (SessionStoreUnavailableAction)7;
            }),
            _ => { }));

        Assert.That(error!.Failures.Count(), Is.EqualTo(4), error.Message);
        var message = string.Join("\n", error.Failures);
        Assert.That(message, Does.Contain("Security:Sessions:AbsoluteTimeout"));
        Assert.That(message, Does.Contain("Security:Sessions:InactivityTimeout: '-00:01:00'"));
        Assert.That(message, Does.Contain("Security:Sessions:ExemptPaths[0] '(unclosed'"));
        Assert.That(message, Does.Contain("Security:Sessions:OnStoreUnavailable: '7' is not one of SignOut, Reject, Allow"));
    }

    [Test]
    public async Task Over_matching_exempt_paths_and_Allow_are_warned_about_once_at_startup()
    {
        await using var app = await TestHost.StartAsync(
            services =>
            {
                services.AddDistributedMemoryCache();
                services.AddSession();
                services.AddSessionExpiry(o =>
                {
                    o.ExemptPaths.Add("health");
                    o.ExemptPaths.Add("status$");
                    o.OnStoreUnavailable = SessionStoreUnavailableAction.Allow;
                });
            },
            app =>
            {
                app.UseSession();
                app.UseSessionExpiry();
            },
            configureBuilder: builder => builder.Logging.ClearProviders().AddFakeLogging());

        var warnings = app.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();

        Assert.That(warnings.Select(w => w.Message), Is.EquivalentTo(new[]
        {
            "A path pattern matches more paths than it names: Security:Sessions:ExemptPaths[0] 'health' also exempts '/health-admin'; end it with '$' or '(/|$)'.",
            "Security:Sessions:OnStoreUnavailable is Allow: while the session store is down, signed-in users stay signed in without an inactivity check.",
        }));
        Assert.That(warnings.Select(w => w.Id.Id), Is.EquivalentTo(new[] { 4008, 4007 }));
    }
}

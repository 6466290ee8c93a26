using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

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
    }

    [Test]
    public async Task Configuration_section_is_bound_and_code_wins()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Security:Sessions:AbsoluteTimeout"] = "08:00:00",
            ["Security:Sessions:InactivityTimeout"] = "00:00:05",
            ["Security:Sessions:ExemptPaths:0"] = "health$",
        });
        builder.Services.AddSessionExpiry(o => o.AbsoluteTimeout = TimeSpan.FromHours(4));
        await using var app = builder.Build();

        var options = app.Services.GetRequiredService<IOptions<SessionExpiryOptions>>().Value;

        Assert.That(options.AbsoluteTimeout, Is.EqualTo(TimeSpan.FromHours(4)));
        Assert.That(options.InactivityTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(options.ExemptPaths, Is.EqualTo(new[] { "health$" }));
    }

    [Test]
    public async Task Every_bad_setting_fails_startup_at_once_naming_the_option()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSessionExpiry(o =>
        {
            o.AbsoluteTimeout = TimeSpan.Zero;
            o.InactivityTimeout = TimeSpan.FromMinutes(-1);
            o.ExemptPaths.Add("(unclosed");
        });
        await using var app = builder.Build();

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.That(error!.Failures.Count(), Is.EqualTo(3), error.Message);
        var message = string.Join("\n", error.Failures);
        Assert.That(message, Does.Contain("Security:Sessions:AbsoluteTimeout"));
        Assert.That(message, Does.Contain("Security:Sessions:InactivityTimeout: '-00:01:00'"));
        Assert.That(message, Does.Contain("Security:Sessions:ExemptPaths[0] '(unclosed'"));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Security.Auth.Tests;

public sealed class ConfigurationBindingTests
{
    private static Task<AuthTestApp> BuildAsync(Dictionary<string, string?> settings, Action<IServiceCollection> services)
    {
        return AuthTestApp.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                services(builder.Services);
            },
            _ => { });
    }

    [Test]
    public async Task Password_expiry_options_bind_from_Security_Auth_PasswordExpiry_and_code_wins()
    {
        await using var app = await BuildAsync(
            new()
            {
                ["Security:Auth:PasswordExpiry:ChangePasswordUrl"] = "/from-config",
                ["Security:Auth:PasswordExpiry:ExemptPaths:0"] = "help/",
                ["Security:Auth:PasswordExpiry:ExemptEndpointNames:0"] = "logout",
                ["Security:Auth:PasswordExpiry:IncludeSuperusers"] = "true",
                ["Security:Auth:PasswordExpiry:ExpireNewUsers"] = "false",
                ["Security:Auth:PasswordExpiry:MaxPasswordAge"] = "90.00:00:00",
            },
            s => s.AddPasswordExpiry(o => o.ExpireNewUsers = true));
        var options = app.Services.GetRequiredService<IOptions<PasswordExpiryOptions>>().Value;
        Assert.That(options.ChangePasswordUrl, Is.EqualTo("/from-config"));
        Assert.That(options.ExemptPaths, Is.EqualTo(new[] { "help/" }));
        Assert.That(options.ExemptEndpointNames, Is.EqualTo(new[] { "logout" }));
        Assert.That(options.IncludeSuperusers, Is.True);
        Assert.That(options.ExpireNewUsers, Is.True, "code wins");
        Assert.That(options.MaxPasswordAge, Is.EqualTo(TimeSpan.FromDays(90)));
    }

    [Test]
    public async Task Throttling_options_bind_from_Security_Auth_Throttling_and_code_wins()
    {
        await using var app = await BuildAsync(
            new()
            {
                ["Security:Auth:Throttling:ClientFailureLimit"] = "50",
                ["Security:Auth:Throttling:ClientFailureWindow"] = "00:10:00",
                ["Security:Auth:Throttling:MaxInMemoryCounters"] = "1000",
            },
            s => s.AddLoginThrottling(o => o.ClientFailureLimit = 30));
        var options = app.Services.GetRequiredService<IOptions<LoginThrottlingOptions>>().Value;
        Assert.That(options.ClientFailureLimit, Is.EqualTo(30), "code wins");
        Assert.That(options.ClientFailureWindow, Is.EqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(options.MaxInMemoryCounters, Is.EqualTo(1000));
    }
}

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
                ["Security:Auth:Throttling:LoginPaths:0"] = "/account/login",
                ["Security:Auth:Throttling:LoginPagePaths:0"] = "/account/login",
                ["Security:Auth:Throttling:UsernameField"] = "Input.Email",
                ["Security:Auth:Throttling:SignInScheme"] = "Identity.Application",
            },
            s => s.AddLoginThrottling(o => o.UsernameField = "email"));
        var options = app.Services.GetRequiredService<IOptions<LoginThrottlingOptions>>().Value;
        Assert.That(options.LoginPaths, Is.EqualTo(new[] { "/account/login" }));
        Assert.That(options.LoginPagePaths, Is.EqualTo(new[] { "/account/login" }));
        Assert.That(options.UsernameField, Is.EqualTo("email"), "code wins");
        Assert.That(options.SignInScheme, Is.EqualTo("Identity.Application"));
    }
}

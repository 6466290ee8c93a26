using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Profiling.Internal;
using Security.Testing;

namespace Security.Profiling.Tests;

public sealed class OptionsValidationTests
{
    [Test]
    public void Defaults_are_valid()
    {
        var result = new SecurityProfilingOptionsValidator().Validate(null, new SecurityProfilingOptions());

        Assert.That(result.Succeeded, Is.True);
    }

    [Test]
    public void Every_bad_value_is_reported_at_once_naming_the_option()
    {
        var options = new SecurityProfilingOptions
        {
            HeaderName = "X Profile",
            AuthorizationPolicy = " ",
            MaxStoredProfiles = -1,
            MaxEntriesPerProfile = 0,
            TopFunctions = 0,
        };

        var result = new SecurityProfilingOptionsValidator().Validate(null, options);

        Assert.That(result.Failures, Has.Exactly(5).Items);
        Assert.That(result.FailureMessage, Does.Contain("Security:Profiling:HeaderName: 'X Profile'")
            .And.Contain("Security:Profiling:AuthorizationPolicy")
            .And.Contain("Security:Profiling:MaxStoredProfiles: '-1'")
            .And.Contain("Security:Profiling:MaxEntriesPerProfile: '0'")
            .And.Contain("Security:Profiling:TopFunctions: '0'"));
    }

    [TestCase(0, false)]
    [TestCase(1, true)]
    [TestCase(1000, true)]
    [TestCase(1001, false)]
    public void Top_functions_is_between_1_and_1000(int top, bool valid)
    {
        var result = new SecurityProfilingOptionsValidator().Validate(null, new SecurityProfilingOptions { TopFunctions = top });

        Assert.That(result.Succeeded, Is.EqualTo(valid));
    }

    [Test]
    public void Cpu_sampling_is_off_by_default()
    {
        Assert.That(new SecurityProfilingOptions().CpuSampling, Is.False);
    }

    [TestCase("")]
    [TestCase("X-Profile\r\nSet-Cookie: a=b")]
    [TestCase("X:Profile")]
    public void Header_name_must_be_a_token(string name)
    {
        var result = new SecurityProfilingOptionsValidator().Validate(null, new SecurityProfilingOptions { HeaderName = name });

        Assert.That(result.Failed, Is.True);
    }

    [Test]
    public void Bad_configuration_fails_at_startup()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => TestHost.StartAsync(
            s => s.AddSecurityProfiling(),
            app => app.UseSecurityProfiling(),
            new Dictionary<string, string?> { ["Security:Profiling:MaxStoredProfiles"] = "-5" }));

        Assert.That(error!.Message, Does.Contain("Security:Profiling:MaxStoredProfiles"));
    }
}

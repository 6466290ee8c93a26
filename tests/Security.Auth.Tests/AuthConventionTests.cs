using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Builder;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// The shape every Security.* package shares: <c>AddX</c> twice registers once and applies every configure,
/// <c>UseX</c> without <c>AddX</c> names <c>AddX</c>, list options given a single string fail at startup, and the
/// event ids stay in the package's range.
/// </summary>
public sealed class AuthConventionTests
{
    private static ServiceProvider Build(Action<IServiceCollection> register, Dictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        register(services);
        return services.BuildServiceProvider();
    }

    // What a second call adds: its configure delegate, and nothing else.
    private static void AssertSecondCallAddsOnlyItsConfigure<TOptions>(Action<IServiceCollection> once)
        where TOptions : class
    {
        var first = new ServiceCollection();
        once(first);
        var twice = new ServiceCollection();
        once(twice);
        once(twice);
        Assert.That(twice.Skip(first.Count).Select(d => d.ServiceType), Is.EqualTo(new[] { typeof(IConfigureOptions<TOptions>) }));
    }

    [Test]
    public void AddLoginRequired_twice_registers_once_and_applies_both_configures_in_order()
    {
        AssertSecondCallAddsOnlyItsConfigure<LoginRequiredOptions>(s => s.AddLoginRequired(o => o.ExemptPaths.Add("x")));
        using var provider = Build(
            s =>
            {
                s.AddLoginRequired(o => { o.LoginUrl = "/first"; o.ExemptPaths.Add("first/"); });
                s.AddLoginRequired(o => { o.LoginUrl = "/second"; o.ExemptPaths.Add("second/"); });
            },
            new() { ["Security:Auth:LoginRequired:ExemptPaths:0"] = "config/" });
        var options = provider.GetRequiredService<IOptions<LoginRequiredOptions>>().Value;
        Assert.That(options.LoginUrl, Is.EqualTo("/second"));
        Assert.That(options.ExemptPaths, Is.EqualTo(new[] { "config/", "first/", "second/" }), "bound once, before both");
    }

    [Test]
    public void AddPasswordExpiry_twice_registers_once_and_applies_both_configures_in_order()
    {
        AssertSecondCallAddsOnlyItsConfigure<PasswordExpiryOptions>(s => s.AddPasswordExpiry(o => o.ExemptPaths.Add("x")));
        using var provider = Build(
            s =>
            {
                s.AddPasswordExpiry(o => { o.ChangePasswordUrl = "/first"; o.ExemptPaths.Add("first/"); });
                s.AddPasswordExpiry(o => { o.ChangePasswordUrl = "/second"; o.ExemptPaths.Add("second/"); });
            },
            new() { ["Security:Auth:PasswordExpiry:ExemptPaths:0"] = "config/" });
        var options = provider.GetRequiredService<IOptions<PasswordExpiryOptions>>().Value;
        Assert.That(options.ChangePasswordUrl, Is.EqualTo("/second"));
        Assert.That(options.ExemptPaths, Is.EqualTo(new[] { "config/", "first/", "second/" }), "bound once, before both");
    }

    [Test]
    public void AddLoginThrottling_twice_registers_once_and_applies_both_configures_in_order()
    {
        AssertSecondCallAddsOnlyItsConfigure<LoginThrottlingOptions>(s => s.AddLoginThrottling(o => o.ClientFailureLimit = 7));
        using var provider = Build(
            s =>
            {
                s.AddLoginThrottling(o => { o.ClientFailureLimit = 30; o.MaxInMemoryCounters += 1; });
                s.AddLoginThrottling(o => { o.ClientFailureLimit = 40; o.MaxInMemoryCounters += 1; });
            },
            new() { ["Security:Auth:Throttling:MaxInMemoryCounters"] = "10" });
        var options = provider.GetRequiredService<IOptions<LoginThrottlingOptions>>().Value;
        Assert.That(options.ClientFailureLimit, Is.EqualTo(40));
        Assert.That(options.MaxInMemoryCounters, Is.EqualTo(12), "bound once, before both");
    }

    [Test]
    public void AddLoginRequired_returns_its_builder_over_the_services()
    {
        var services = new ServiceCollection();
        Assert.That(services.AddLoginRequired().Services, Is.SameAs(services));
    }

    private static IEnumerable<TestCaseData> UsesWithoutAdd()
    {
        yield return new TestCaseData((Action<WebApplication>)(app => app.UseLoginRequired()), "services.AddLoginRequired()").SetArgDisplayNames("UseLoginRequired");
        yield return new TestCaseData((Action<WebApplication>)(app => app.UsePasswordExpiry()), "services.AddPasswordExpiry(").SetArgDisplayNames("UsePasswordExpiry");
        yield return new TestCaseData((Action<WebApplication>)(app => app.MapLoginThrottlingReset("/reset")), "services.AddLoginThrottling()").SetArgDisplayNames("MapLoginThrottlingReset");
    }

    [TestCaseSource(nameof(UsesWithoutAdd))]
    public void Use_without_its_Add_fails_at_startup_naming_the_Add(Action<WebApplication> use, string add)
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => AuthTestApp.StartAsync(_ => { }, use));
        Assert.That(error!.Message, Does.Contain("call " + add));
    }

    [TestCase("Security:Auth:LoginRequired:ExemptPaths", "health$")]
    [TestCase("Security:Auth:PasswordExpiry:ExemptPaths", "logout$")]
    [TestCase("Security:Auth:PasswordExpiry:ExemptEndpointNames", "logout")]
    public void List_option_given_a_single_string_fails_at_startup_naming_it(string option, string value)
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AuthTestApp.StartAsync(
            builder =>
            {
                builder.Configuration[option] = value;
                builder.Services.AddLoginRequired(o => o.LoginUrl = "/login");
                builder.Services.AddPasswordExpiry(o => o.ChangePasswordUrl = "/change");
                builder.Services.AddLoginThrottling();
            },
            _ => { }));
        Assert.That(error!.Message, Does.Contain($"{option}: '{value}' must be a list"));
    }

    [Test]
    public void Event_ids_are_unique_and_within_1000_to_1999()
    {
        var ids = LoggerMessageIds.Of(typeof(LoginRequiredOptions).Assembly);
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Is.All.InRange(1000, 1999));
        Assert.That(ids, Is.Unique);
    }
}

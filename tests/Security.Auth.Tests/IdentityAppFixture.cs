using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>A fixture whose tests share one <see cref="IdentityTestApp"/>, started once from <see cref="CreateOptions"/>.</summary>
public abstract class IdentityAppFixture
{
    /// <summary>The running app.</summary>
    protected IdentityTestApp App { get; private set; } = null!;

    /// <summary>What the fixture's app adds to Identity.</summary>
    protected abstract IdentityTestAppOptions CreateOptions();

    [OneTimeSetUp]
    public async Task StartAppAsync() => App = await IdentityTestApp.StartAsync(CreateOptions());

    [OneTimeTearDown]
    public async Task StopAppAsync() => await App.DisposeAsync();
}

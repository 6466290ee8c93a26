using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Security.IntegrationTests.Browser;

/// <summary>
/// The sample app (samples/Security.Sample) on Kestrel at 127.0.0.1 on a free port, with its own
/// fresh SQLite database, so a real browser can use it. Settings override appsettings.json.
/// </summary>
internal sealed class SampleApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly string _dataFolder = Directory.CreateTempSubdirectory("security-sample-").FullName;

    private readonly TimeProvider? _time;

    /// <param name="settings">Configuration that wins over appsettings.json, e.g. <c>["Security:Sessions:InactivityTimeout"] = "00:05:00"</c>.</param>
    /// <param name="time">A clock to use instead of the system's (e.g. a <c>FakeTimeProvider</c>), for every TimeProvider user.</param>
    public SampleApp(IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        _time = time;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Security"] = $"Data Source={Path.Combine(_dataFolder, "sample.db")}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
    }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address);
        }
    }

    public Uri Url(string path) => new(BaseAddress, path);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        if (_time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton(_time));
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }
}

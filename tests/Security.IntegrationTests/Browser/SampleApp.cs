using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Security.Abstractions;

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
    private readonly string _environment;
    private readonly ConcurrentQueue<string> _reportContentTypes = new();
    private readonly Channel<CspReport> _savedReports = Channel.CreateUnbounded<CspReport>();

    /// <param name="settings">Configuration that wins over appsettings.json, e.g. <c>["Security:Sessions:InactivityTimeout"] = "00:05:00"</c>.</param>
    /// <param name="time">A clock to use instead of the system's (e.g. a <c>FakeTimeProvider</c>), for every TimeProvider user.</param>
    /// <param name="httpsCertificate">When set, listen on HTTPS with it (e.g. <c>TestCertificate.Create()</c>) instead of HTTP.</param>
    /// <param name="environment">The hosting environment; default <c>Development</c>.</param>
    /// <param name="httpListener">With <paramref name="httpsCertificate"/>: listen on plain http too (a second free port), as a
    /// deployment with both listeners does; <see cref="HttpAddress"/> is where.</param>
    public SampleApp(IDictionary<string, string?>? settings = null, TimeProvider? time = null, X509Certificate2? httpsCertificate = null, string environment = "Development", bool httpListener = false)
    {
        _time = time;
        _environment = environment;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Security"] = $"Data Source={Path.Combine(_dataFolder, "sample.db")}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        UseKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
            {
                if (httpsCertificate is not null)
                {
                    listen.UseHttps(httpsCertificate);
                }
            });
            if (httpListener && httpsCertificate is not null)
            {
                kestrel.Listen(System.Net.IPAddress.Loopback, 0);
            }
        });
    }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            var address = addresses.FirstOrDefault(a => a.StartsWith("https:", StringComparison.Ordinal)) ?? addresses.First();
            return new Uri(address);
        }
    }

    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>The plain http address when the app listens on both, e.g. <c>http://127.0.0.1:40124</c>.</summary>
    public Uri HttpAddress
    {
        get
        {
            StartServer();
            return new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => a.StartsWith("http:", StringComparison.Ordinal)));
        }
    }

    /// <summary>The Content-Type of every POST to <c>/csp-report</c>, as the browser sent it.</summary>
    public IReadOnlyCollection<string> ReportContentTypes => _reportContentTypes;

    /// <summary>
    /// Every CSP report the app's background writer has saved to its store, in order: a test awaits the reports a
    /// browser sends (on its own schedule) here instead of polling the store.
    /// </summary>
    public ChannelReader<CspReport> SavedReports => _savedReports.Reader;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        // UseSetting, not ConfigureAppConfiguration: the sample reads configuration before Build(),
        // which only sees settings given this early.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (_time is not null)
            {
                services.AddSingleton(_time);
            }

            // Watches the report endpoint from the front of the real pipeline, to tell the formats apart.
            services.AddSingleton<IStartupFilter>(new ReportWatcher(_reportContentTypes));
            // Added after the app's own (tried-added) registration, so the background writer resolves this one.
            services.AddTransient<ICspReportStoreWriter>(sp => new SavedReportsWriter(sp.GetRequiredService<ICspReportStore>(), _savedReports.Writer));
        });
    }

    private sealed class ReportWatcher(ConcurrentQueue<string> contentTypes) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/csp-report"))
                {
                    contentTypes.Enqueue(context.Request.ContentType ?? "");
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class SavedReportsWriter(ICspReportStoreWriter store, ChannelWriter<CspReport> saved) : ICspReportStoreWriter
    {
        public async Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
        {
            await store.SaveAsync(reports, cancellationToken);
            foreach (var report in reports)
            {
                saved.TryWrite(report);
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataFolder, recursive: true);
    }
}

using Microsoft.AspNetCore.Builder;

namespace Security.Testing;

/// <summary>
/// A running app on a real Kestrel socket, made by <see cref="TestHost.StartKestrelAsync"/>,
/// for browsers and second processes. Dispose it to stop the app.
/// </summary>
public sealed class KestrelApp : IAsyncDisposable
{
    internal KestrelApp(WebApplication app, Uri baseAddress, HttpClient client)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = client;
    }

    /// <summary>The started application.</summary>
    public WebApplication App { get; }

    /// <summary>Where the app listens, e.g. <c>http://127.0.0.1:41873/</c> (ends with a slash).</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client with <see cref="BaseAddress"/> set; it trusts the app's test certificate on HTTPS.</summary>
    public HttpClient Client { get; }

    /// <summary>The app's root service provider.</summary>
    public IServiceProvider Services => App.Services;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

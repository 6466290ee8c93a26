using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Security.Testing;

/// <summary>
/// A running app on an in-memory <see cref="TestServer"/>, made by <see cref="TestHost.StartAsync"/>.
/// Dispose it to stop the app.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    internal TestApp(WebApplication app)
    {
        App = app;
        Server = app.GetTestServer();
        Client = Server.CreateClient();
    }

    /// <summary>The started application.</summary>
    public WebApplication App { get; }

    /// <summary>The in-memory server: use it for <c>CreateRequest</c> or <c>SendAsync(HttpContext)</c>.</summary>
    public TestServer Server { get; }

    /// <summary>A client whose requests go through the whole pipeline; base address <c>http://localhost/</c>.</summary>
    public HttpClient Client { get; }

    /// <summary>The app's root service provider.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>
    /// A new client that keeps cookies in <paramref name="cookies"/> like a browser (see <see cref="CookieJarHandler"/>);
    /// base address <c>http://localhost/</c>, redirects not followed. The caller disposes it.
    /// </summary>
    /// <param name="cookies">The cookie jar: <c>new()</c> for a fresh browser, or one shared between clients.</param>
    public HttpClient CreateClient(CookieContainer cookies) => CookieJarHandler.CreateClient(Server.CreateHandler(), cookies);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

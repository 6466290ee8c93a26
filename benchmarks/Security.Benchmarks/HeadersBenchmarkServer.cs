using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Security.Benchmarks;

/// <summary>
/// A stand-in for the server's side of one connection: one <see cref="HttpContext"/> reused for
/// every request (as Kestrel pools them), a response feature whose <c>OnStarting</c> callbacks run
/// when <see cref="Start"/> is called. Reused storage means the figures show only what the
/// middleware allocates per request. The header collections are either <see cref="HeaderDictionary"/>
/// (what <c>DefaultHttpContext</c> and TestServer use) or Kestrel's own request and response header
/// collections, whose known headers are fields rather than dictionary entries.
/// </summary>
internal sealed class HeadersBenchmarkServer : IHttpResponseFeature
{
    private readonly List<KeyValuePair<Func<object, Task>, object>> _onStarting = new(8);
    private readonly HttpRequestFeature _request;

    public HeadersBenchmarkServer(IServiceProvider services, HeaderStorage storage, string scheme, string host, string path, string method = "GET", params (string Name, string Value)[] requestHeaderValues)
    {
        var requestHeaders = storage == HeaderStorage.Kestrel ? KestrelHeaders("HttpRequestHeaders", true, null) : new HeaderDictionary();
        requestHeaders["Host"] = host;
        foreach (var (name, value) in requestHeaderValues)
        {
            requestHeaders[name] = value;
        }

        Headers = storage == HeaderStorage.Kestrel ? KestrelHeaders("HttpResponseHeaders", [null]) : new HeaderDictionary();
        _request = new HttpRequestFeature
        {
            Method = method,
            Scheme = scheme,
            Path = path,
            Protocol = "HTTP/1.1",
            Headers = requestHeaders,
        };
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(_request);
        features.Set<IHttpResponseFeature>(this);
        // A body for middleware that answers itself (a refusal); the header suites never write one.
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IServiceProvidersFeature>(new RequestServicesFeatureStub(services));
        Context = new DefaultHttpContext(features);
    }

    public HttpContext Context { get; }

    public int StatusCode { get; set; } = 200;

    public string? ReasonPhrase { get; set; }

    public IHeaderDictionary Headers { get; set; }

    public Stream Body { get; set; } = Stream.Null;

    public bool HasStarted { get; private set; }

    public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add(new(callback, state));

    public void OnCompleted(Func<object, Task> callback, object state)
    {
    }

    /// <summary>Runs one request through <paramref name="app"/> and starts the response.</summary>
    public void Run(RequestDelegate app)
    {
        Headers.Clear();
        StatusCode = 200;
        HasStarted = false;
        _onStarting.Clear();

        app(Context).GetAwaiter().GetResult();
        Start();
    }

    /// <summary>What a server does before sending the status line: OnStarting callbacks, last registered first.</summary>
    public void Start()
    {
        for (var i = _onStarting.Count - 1; i >= 0; i--)
        {
            _onStarting[i].Key(_onStarting[i].Value).GetAwaiter().GetResult();
        }

        HasStarted = true;
    }

    // Kestrel's collections are internal: created once per server by reflection, used through IHeaderDictionary.
    private static IHeaderDictionary KestrelHeaders(string typeName, params object?[] arguments)
    {
        var type = typeof(KestrelServerOptions).Assembly.GetType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http." + typeName, throwOnError: true)!;
        return (IHeaderDictionary)Activator.CreateInstance(type, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, arguments, null)!;
    }

    private sealed class RequestServicesFeatureStub(IServiceProvider services) : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices { get; set; } = services;
    }
}

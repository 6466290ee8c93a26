using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Security.Benchmarks;

/// <summary>
/// Runs a middleware pipeline on a fresh <see cref="DefaultHttpContext"/> and fires the response's
/// OnStarting callbacks as a server would, so headers set at response start are measured too.
/// The context and its features are the harness's cost: the Baseline rows show it.
/// </summary>
internal sealed class CspBenchmarkHarness
{
    private readonly ResponseFeature _response = new();

    public async Task<HttpContext> RunAsync(RequestDelegate pipeline)
    {
        var features = new FeatureCollection(8);
        features.Set<IHttpRequestFeature>(new HttpRequestFeature { Method = "GET", Path = "/", Scheme = "https" });
        _response.Reset();
        features.Set<IHttpResponseFeature>(_response);
        var context = new DefaultHttpContext(features);
        await pipeline(context);
        await _response.StartAsync();
        return context;
    }

    private sealed class ResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = new(4);

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        public void Reset()
        {
            HasStarted = false;
            StatusCode = 200;
            Headers.Clear();
            _onStarting.Clear();
        }

        public async Task StartAsync()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                await _onStarting[i].Callback(_onStarting[i].State);
            }

            HasStarted = true;
        }
    }
}

using Microsoft.AspNetCore.Http.Features;

namespace Security.Headers.Tests;

/// <summary>
/// The server's side of <c>OnStarting</c>, which <c>DefaultHttpContext</c> alone does not run: the
/// callbacks are kept, then run (last registered first) and forgotten by <see cref="Start"/>.
/// </summary>
internal sealed class StartingResponseFeature : HttpResponseFeature
{
    private readonly List<(Func<object, Task> Callback, object State)> _onStarting = [];

    public override void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

    /// <summary>Runs the callbacks, which must finish synchronously (the middleware's do), without allocating.</summary>
    public void Start()
    {
        for (var i = _onStarting.Count - 1; i >= 0; i--)
        {
            var task = _onStarting[i].Callback(_onStarting[i].State);
            if (!task.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("An OnStarting callback did not finish synchronously.");
            }
        }

        _onStarting.Clear();
    }
}

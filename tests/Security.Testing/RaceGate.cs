using System.Net;

namespace Security.Testing;

/// <summary>
/// Lines up racing requests: each that reaches the gate (the code just past the check under test calls
/// <see cref="ArriveAsync"/>) waits there until every one of the race has either reached it or been answered
/// otherwise, so no request can finish, and be counted, while another is still deciding: the worst interleaving
/// for a check-then-act, made certain.
/// </summary>
public sealed class RaceGate
{
    private Func<Task>? _wait;

    /// <summary>Called where a request that passed the check arrives; waits while a race runs.</summary>
    public Task ArriveAsync() => _wait?.Invoke() ?? Task.CompletedTask;

    /// <summary>Sends <paramref name="count"/> requests at once and returns their status codes.</summary>
    /// <param name="count">How many requests race.</param>
    /// <param name="send">Sends request number i.</param>
    /// <param name="passed">The status of a request that got past the gate; any other is one answered before it.</param>
    public async Task<HttpStatusCode[]> RaceAsync(int count, Func<int, Task<HttpResponseMessage>> send, HttpStatusCode passed = HttpStatusCode.OK)
    {
        ArgumentNullException.ThrowIfNull(send);
        var settled = 0;
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Settle()
        {
            if (Interlocked.Increment(ref settled) == count)
            {
                open.SetResult();
            }
        }

        _wait = () =>
        {
            Settle();
            return open.Task;
        };
        try
        {
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requests = Enumerable.Range(0, count).Select(async i =>
            {
                await go.Task;
                using var response = await send(i);
                if (response.StatusCode != passed)
                {
                    Settle();
                }

                return response.StatusCode;
            }).ToArray();
            go.SetResult();
            return await Task.WhenAll(requests);
        }
        finally
        {
            _wait = null;
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Security.Profiling.Internal;

/// <summary>
/// Stops the app at startup when profiling is enabled with an authorization policy that cannot be
/// evaluated, rather than on the first profiled request. A hosted service, so the policy provider
/// is awaited instead of blocked on.
/// </summary>
internal sealed class ProfilingStartupCheck(IOptions<SecurityProfilingOptions> options, ProfilingGate gate) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? gate.EnsurePolicyExistsAsync() : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Security.Auth.Internal;

/// <summary>Stops the app at startup when login-required has no scheme to challenge, instead of failing every anonymous request.</summary>
internal sealed class LoginRequiredStartupCheck(LoginRequiredSchemes schemes) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if ((await schemes.GetAsync()).Error is { } error)
        {
            throw new OptionsValidationException(LoginRequiredOptions.SectionName, typeof(LoginRequiredOptions), [error]);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

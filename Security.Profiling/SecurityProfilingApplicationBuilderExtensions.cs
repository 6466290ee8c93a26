using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Security.Profiling;
using Security.Profiling.Internal;
using Security.Shared;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds per-request profiling to the pipeline.</summary>
public static class SecurityProfilingApplicationBuilderExtensions
{
    /// <summary>
    /// Profiles requests that carry the trigger header (<c>X-Profile</c>) from an allowed caller.
    /// Adds nothing to the pipeline unless <c>Security:Profiling:Enabled</c> is <see langword="true"/>.
    /// Place it after <c>UseAuthentication()</c> (an authorization policy needs the user) and before
    /// the endpoints whose time you want to see.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddSecurityProfiling()</c> was not called, or CPU sampling is on without a sampler.</exception>
    public static IApplicationBuilder UseSecurityProfiling(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RegistrationMarker<SecurityProfilingOptions>.ThrowIfMissing(app.ApplicationServices, "Security.Profiling", "AddSecurityProfiling()");

        var options = app.ApplicationServices.GetRequiredService<IOptions<SecurityProfilingOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        if (options.CpuSampling && app.ApplicationServices.GetService<IProfilingSampler>() is null)
        {
            throw new InvalidOperationException(
                $"{SecurityProfilingOptions.SectionName}:{nameof(SecurityProfilingOptions.CpuSampling)} is true but no sampler is registered: add the Security.Profiling.Sampling package and call services.AddSecurityProfiling().AddSampling().");
        }

        return app.UseMiddleware<ProfilingMiddleware>();
    }
}

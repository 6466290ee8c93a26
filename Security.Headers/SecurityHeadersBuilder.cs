using Microsoft.Extensions.DependencyInjection;

namespace Security.Headers;

/// <summary>
/// Returned by <c>services.AddSecurityHeaders(...)</c>, for chaining further security headers
/// registrations onto the same services.
/// </summary>
public sealed class SecurityHeadersBuilder
{
    internal SecurityHeadersBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }
}

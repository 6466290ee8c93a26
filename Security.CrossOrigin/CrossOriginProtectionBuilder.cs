using Microsoft.Extensions.DependencyInjection;

namespace Security.CrossOrigin;

/// <summary>
/// Returned by <c>services.AddCrossOriginProtection(...)</c>, for chaining further registrations onto the same services.
/// </summary>
public sealed class CrossOriginProtectionBuilder
{
    internal CrossOriginProtectionBuilder(IServiceCollection services) => Services = services;

    /// <summary>The app's services.</summary>
    public IServiceCollection Services { get; }
}

using Microsoft.Extensions.DependencyInjection;

namespace Security.Abstractions;

/// <summary>
/// Returned by <c>services.AddLoginThrottling(...)</c>; storage packages add extension methods to it that replace the
/// in-memory IThrottleCounterStore, e.g. <c>.AddEntityFrameworkStore(db =&gt; db.UseNpgsql(cs))</c>
/// from Security.Persistence.
/// </summary>
public interface IThrottleCounterStoreBuilder
{
    /// <summary>The services the feature was added to.</summary>
    IServiceCollection Services { get; }
}

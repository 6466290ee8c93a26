using Microsoft.Extensions.DependencyInjection;

namespace Security.Abstractions;

/// <summary>
/// Returned by <c>services.AddPasswordExpiry(...)</c>; storage packages add extension methods to it that replace the
/// in-memory IPasswordExpiryStore, e.g. <c>.AddEntityFrameworkStore(db =&gt; db.UseNpgsql(cs))</c>
/// from Security.Persistence.
/// </summary>
public interface IPasswordExpiryStoreBuilder
{
    /// <summary>The services the feature was added to.</summary>
    IServiceCollection Services { get; }
}

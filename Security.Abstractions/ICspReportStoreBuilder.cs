using Microsoft.Extensions.DependencyInjection;

namespace Security.Abstractions;

/// <summary>
/// Returned by <c>services.AddSecurityCsp(...)</c>; storage packages add extension methods to it that replace the
/// in-memory ICspReportStore, e.g. <c>.AddEntityFrameworkStore(db =&gt; db.UseNpgsql(cs))</c>
/// from Security.Persistence.
/// </summary>
public interface ICspReportStoreBuilder
{
    /// <summary>The services the feature was added to.</summary>
    IServiceCollection Services { get; }
}

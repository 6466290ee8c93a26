using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Persistence.Internal.Model;

/// <summary>
/// Carries the table names into <see cref="SecurityDbContext"/>'s model. Different names give a different
/// internal service provider, hence a separately cached model.
/// </summary>
internal sealed class SecurityModelOptionsExtension(SecurityStoreOptions options) : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    public SecurityStoreOptions Options { get; } = options;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    private string Key => $"{Options.Schema}|{Options.CspReportTable}|{Options.CspReportGroupTable}|{Options.PasswordExpiryTable}|{Options.ThrottleCounterTable}";

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(SecurityModelOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private new SecurityModelOptionsExtension Extension => (SecurityModelOptionsExtension)base.Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => $"SecurityTables={Extension.Key} ";

        public override int GetServiceProviderHashCode() => StringComparer.Ordinal.GetHashCode(Extension.Key);

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
            other is ExtensionInfo info && string.Equals(info.Extension.Key, Extension.Key, StringComparison.Ordinal);

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["Security:Tables"] = Extension.Key;
    }
}

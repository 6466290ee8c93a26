using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Persistence;
using Security.Persistence.Internal;
using Security.Persistence.Internal.Cleanup;
using Security.Persistence.Internal.Model;
using Security.Persistence.Internal.Stores;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Chooses the EF Core stores of Security.Persistence on the feature builders, replacing the in-memory defaults:
/// <c>services.AddSecurityCsp(...).AddEntityFrameworkStore(db =&gt; db.UseNpgsql(cs))</c>.
/// </summary>
/// <remarks>
/// Each call also registers the retention service (<see cref="SecurityStoreCleanupOptions"/>, <c>Security:Storage:Cleanup</c>)
/// and binds <see cref="SecurityStoreOptions"/> from <c>Security:Storage</c>. The overloads taking
/// <c>configureDb</c> share one pooled <see cref="SecurityDbContext"/> factory: pass the same configuration to each
/// (the last call wins). Create the tables once with <see cref="SecuritySchema.CreateAsync(IServiceProvider, CancellationToken)"/>.
/// </remarks>
public static class SecurityStoreBuilderExtensions
{
    /// <summary>Stores CSP reports in the security tables of a <see cref="SecurityDbContext"/>.</summary>
    /// <param name="builder">The builder returned by <c>AddSecurityCsp(...)</c>.</param>
    /// <param name="configureDb">Chooses the database, e.g. <c>db =&gt; db.UseNpgsql(cs)</c> or <c>db =&gt; db.UseSqlite("Data Source=security.db")</c>.</param>
    /// <returns>The same builder.</returns>
    public static ICspReportStoreBuilder AddEntityFrameworkStore(this ICspReportStoreBuilder builder, Action<DbContextOptionsBuilder> configureDb)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddSecurityDbContextFactory(builder.Services, configureDb);
        return builder.AddEntityFrameworkStore<SecurityDbContext>();
    }

    /// <summary>
    /// Stores CSP reports in the app's own <typeparamref name="TContext"/>, whose model calls
    /// <c>ApplySecurityModel</c> and whose factory the app registers (<c>AddPooledDbContextFactory&lt;TContext&gt;(...)</c>).
    /// </summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="builder">The builder returned by <c>AddSecurityCsp(...)</c>.</param>
    /// <returns>The same builder.</returns>
    public static ICspReportStoreBuilder AddEntityFrameworkStore<TContext>(this ICspReportStoreBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddStore<ICspReportStore, EfCspReportStore<TContext>>(builder.Services);
        builder.Services.AddOptions<CspReportStoreOptions>();
        // The roles (writer, reader, retention) are served by this store unless the app registered one itself.
        builder.Services.TryAddTransient<ICspReportStoreWriter>(static sp => sp.GetRequiredService<ICspReportStore>());
        builder.Services.TryAddTransient<ICspReportStoreReader>(static sp => sp.GetRequiredService<ICspReportStore>());
        builder.Services.TryAddTransient<ICspReportStoreRetention>(static sp => sp.GetRequiredService<ICspReportStore>());
        return builder;
    }

    /// <summary>Stores password expiry records in the security tables of a <see cref="SecurityDbContext"/>.</summary>
    /// <param name="builder">The builder returned by <c>AddPasswordExpiry(...)</c>.</param>
    /// <param name="configureDb">Chooses the database, e.g. <c>db =&gt; db.UseNpgsql(cs)</c>.</param>
    /// <returns>The same builder.</returns>
    public static IPasswordExpiryStoreBuilder AddEntityFrameworkStore(this IPasswordExpiryStoreBuilder builder, Action<DbContextOptionsBuilder> configureDb)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddSecurityDbContextFactory(builder.Services, configureDb);
        return builder.AddEntityFrameworkStore<SecurityDbContext>();
    }

    /// <summary>Stores password expiry records in the app's own <typeparamref name="TContext"/> (see the CSP overload).</summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="builder">The builder returned by <c>AddPasswordExpiry(...)</c>.</param>
    /// <returns>The same builder.</returns>
    public static IPasswordExpiryStoreBuilder AddEntityFrameworkStore<TContext>(this IPasswordExpiryStoreBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddStore<IPasswordExpiryStore, EfPasswordExpiryStore<TContext>>(builder.Services);
        return builder;
    }

    /// <summary>Stores failed-login counters in the security tables of a <see cref="SecurityDbContext"/>.</summary>
    /// <param name="builder">The builder returned by <c>AddLoginThrottling(...)</c>.</param>
    /// <param name="configureDb">Chooses the database, e.g. <c>db =&gt; db.UseNpgsql(cs)</c>.</param>
    /// <returns>The same builder.</returns>
    public static IThrottleCounterStoreBuilder AddEntityFrameworkStore(this IThrottleCounterStoreBuilder builder, Action<DbContextOptionsBuilder> configureDb)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddSecurityDbContextFactory(builder.Services, configureDb);
        return builder.AddEntityFrameworkStore<SecurityDbContext>();
    }

    /// <summary>Stores failed-login counters in the app's own <typeparamref name="TContext"/> (see the CSP overload).</summary>
    /// <typeparam name="TContext">The app's context.</typeparam>
    /// <param name="builder">The builder returned by <c>AddLoginThrottling(...)</c>.</param>
    /// <returns>The same builder.</returns>
    public static IThrottleCounterStoreBuilder AddEntityFrameworkStore<TContext>(this IThrottleCounterStoreBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddStore<IThrottleCounterStore, EfThrottleCounterStore<TContext>>(builder.Services);
        return builder;
    }

    // The one EF store registration: the store replaces the in-memory default, beside the shared options and clean-up.
    private static void AddStore<TStore, TImplementation>(IServiceCollection services)
        where TStore : class
        where TImplementation : class, TStore
    {
        AddCommon(services);
        services.RemoveAll<TStore>();
        services.AddSingleton<TStore, TImplementation>();
    }

    private static void AddSecurityDbContextFactory(IServiceCollection services, Action<DbContextOptionsBuilder> configureDb)
    {
        ArgumentNullException.ThrowIfNull(configureDb);
        services.RemoveAll<IDbContextFactory<SecurityDbContext>>();
        services.AddSingleton<IDbContextFactory<SecurityDbContext>>(provider =>
        {
            var tables = provider.GetRequiredService<IOptions<SecurityStoreOptions>>().Value.Clone();
            var options = new DbContextOptionsBuilder<SecurityDbContext>();
            configureDb(options);
            ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new SecurityModelOptionsExtension(tables));
            return new PooledDbContextFactory<SecurityDbContext>(options.Options);
        });
    }

    private static void AddCommon(IServiceCollection services)
    {
        if (services.Any(static d => d.ServiceType == typeof(SecurityStoreCleanupService)))
        {
            // Already added by another store: bind once, so the configuration is not applied twice.
            return;
        }

        services.AddOptions<SecurityStoreOptions>().BindConfiguration(SecurityStoreOptions.SectionName).ValidateOnStart();
        services.AddOptions<SecurityStoreCleanupOptions>().BindConfiguration(SecurityStoreCleanupOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityStoreOptions>, SecurityStoreOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityStoreCleanupOptions>, SecurityStoreCleanupOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();
        services.TryAddSingleton<SecurityStoreCleanupService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecurityStoreCleanupService>(
            provider => provider.GetRequiredService<SecurityStoreCleanupService>()));
    }
}

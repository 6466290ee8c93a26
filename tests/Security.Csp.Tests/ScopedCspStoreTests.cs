using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Security.Abstractions;
using Security.Csp.Tests.Fakes;
using Security.Testing;

namespace Security.Csp.Tests;

/// <summary>
/// A report store registered as scoped (as an EF Core store over a DbContext is): the background writer must reach it
/// through a scope of its own per batch, never from the root provider, which scope validation refuses at startup.
/// </summary>
public sealed class ScopedCspStoreTests
{
    /// <summary>A scoped store: one instance per scope, all writing to one shared in-memory store.</summary>
    private sealed class ScopedStore(ScopedStore.Shared shared) : ForwardingCspReportStore(shared.Inner), IDisposable
    {
        public bool Disposed { get; private set; }

        public override Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(Disposed, this);
            Interlocked.Increment(ref shared.Instances);
            return Inner.SaveAsync(reports, cancellationToken);
        }

        public void Dispose() => Disposed = true;

        public sealed class Shared
        {
            public int Instances;

            public InMemoryCspReportStore Inner { get; } = new();
        }
    }

    [Test]
    public async Task A_scoped_store_starts_with_scope_validation_and_the_writer_saves_each_batch_in_its_own_scope()
    {
        var shared = new ScopedStore.Shared();
        await using var app = await TestHost.StartAsync(
            s =>
            {
                s.AddSingleton(shared);
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.UseTestOrigins();
                    o.Reports.BatchSize = 1;
                });
                s.AddScoped<ICspReportStore, ScopedStore>();
            },
            a => a.MapCspReports("/csp-report"),
            configureBuilder: b => b.Host.UseDefaultServiceProvider(o =>
            {
                o.ValidateScopes = true;
                o.ValidateOnBuild = true;
            }));

        for (var i = 0; i < 3; i++)
        {
            Assert.That(await app.PostStatusAsync("{\"csp-report\": {\"document-uri\": \"https://a.example/" + i + "\", \"effective-directive\": \"img-src\"}}"), Is.EqualTo(HttpStatusCode.NoContent));
        }

        // Stopping drains the queue into the store.
        await app.App.StopAsync();

        Assert.That((await shared.Inner.QueryGroupsAsync(new CspReportQuery())).Groups.Sum(g => g.Count), Is.EqualTo(3));
        Assert.That(shared.Instances, Is.EqualTo(3), "one store (one scope) per batch of one");
    }

    /// <summary>A custom store serving only the writer's role.</summary>
    private sealed class WriterOnly : ICspReportStoreWriter
    {
        public List<CspReport> Saved { get; } = [];

        public Task SaveAsync(IReadOnlyList<CspReport> reports, CancellationToken cancellationToken = default)
        {
            lock (Saved)
            {
                Saved.AddRange(reports);
            }

            return Task.CompletedTask;
        }
    }

    [Test]
    public async Task A_store_implementing_only_the_writer_role_receives_every_report()
    {
        var writer = new WriterOnly();
        await using var app = await TestHost.StartAsync(
            s =>
            {
                s.AddSingleton<ICspReportStoreWriter>(writer);
                s.AddSecurityCsp(o =>
                {
                    o.UsePolicy(p => p.DefaultSrc().Self());
                    o.Reports.UseTestOrigins();
                });
            },
            a => a.MapCspReports("/csp-report"));

        Assert.That(await app.PostStatusAsync("{\"csp-report\": {\"document-uri\": \"https://a.example/\", \"effective-directive\": \"img-src\"}}"), Is.EqualTo(HttpStatusCode.NoContent));
        await app.App.StopAsync();

        Assert.That(writer.Saved.Select(r => r.DocumentUri), Is.EqualTo(new[] { "https://a.example/" }));
    }
}

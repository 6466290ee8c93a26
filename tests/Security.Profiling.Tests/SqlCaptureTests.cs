using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Profiling.Tests;

/// <summary>
/// EF Core's SQL captured from its diagnostics, on a real database: the same tests run on SQLite
/// and on PostgreSQL (the derived fixtures).
/// </summary>
public abstract partial class SqlCaptureTests
{
    // Distinctive values that must never reach a log line or a header.
    private const string SecretPrefix = "zq-secret-7781-";
    private const string InsertedSecret = "zq-inserted-4417";

    private protected TestApp App { get; private set; } = null!;

    private protected CapturedLogs Logs { get; private set; } = null!;

    /// <summary>Configures the provider, e.g. <c>UseSqlite(...)</c>.</summary>
    private protected abstract void UseDatabase(DbContextOptionsBuilder options);

    /// <summary>Creates the database the fixture uses (before the app starts).</summary>
    private protected abstract Task CreateDatabaseAsync();

    /// <summary>Drops it.</summary>
    private protected abstract Task DropDatabaseAsync();

    [OneTimeSetUp]
    public async Task StartApp()
    {
        await CreateDatabaseAsync();
        (App, Logs) = await ProfilingHost.StartAsync(
            app =>
            {
                // Runs n queries, each tagged with n and filtered by a parameter holding a secret.
                app.MapGet("/items/{n:int}", async (int n, ItemsDb db) =>
                {
                    var secret = SecretPrefix + n.ToString(CultureInfo.InvariantCulture);
                    var tag = $"req-{n:00}";
                    for (var i = 0; i < n; i++)
                    {
                        await db.Items.TagWith(tag).Where(item => item.Name == secret).CountAsync();
                    }

                    return n;
                });
                app.MapPost("/items", async (ItemsDb db) =>
                {
                    db.Items.Add(new Item { Name = InsertedSecret });
                    await db.SaveChangesAsync();
                    return Results.Ok();
                });
                app.MapGet("/broken", async (ItemsDb db) =>
                {
                    try
                    {
                        await db.Database.ExecuteSqlRawAsync("SELECT * FROM no_such_table");
                    }
                    catch (Exception e) when (e.GetType().Name.Contains("Exception", StringComparison.Ordinal))
                    {
                        // The app handles the failure; the profile still shows the failed command.
                    }

                    return "handled";
                });
            },
            services: s => s.AddDbContext<ItemsDb>(UseDatabase));

        await using var scope = App.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ItemsDb>().Database.EnsureCreatedAsync();
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        await App.DisposeAsync();
        await DropDatabaseAsync();
    }

    [SetUp]
    public void ForgetLogs() => Logs.Clear();

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(3)]
    public async Task Every_command_is_captured_with_the_right_count(int queries)
    {
        var context = await App.SendAsync($"/items/{queries}");

        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
        var profile = Logs.Profiles.Single().Message;
        var plural = queries == 1 ? "query" : "queries";
        Assert.That(profile, Does.Contain($"in {queries} {plural},"));
        Assert.That(profile, Does.Contain($"SQL ({queries} {plural},"));
        Assert.That(CountOf(profile, $"req-{queries:00}"), Is.EqualTo(queries));
        Assert.That(CountOf(profile, "parameters: "), Is.EqualTo(queries));
        Assert.That(context.ServerTiming(), Does.Contain($"desc=\"{queries} {plural}\""));
    }

    [Test]
    public async Task Parameter_values_never_appear_in_the_log_or_the_header()
    {
        var read = await App.SendAsync("/items/2");
        var write = await App.SendAsync("/items", configure: c => c.Request.Method = HttpMethods.Post);

        Assert.That(write.Response.StatusCode, Is.EqualTo(200));
        Assert.That(Logs.Profiles, Has.Count.EqualTo(2));
        Assert.That(Logs.Profiles[1].Message, Does.Contain("INSERT INTO").And.Contain("in 1 query,"));
        Assert.That(Logs.AllText, Does.Not.Contain(SecretPrefix).And.Not.Contain(InsertedSecret));
        Assert.That(read.ServerTiming() + write.ServerTiming(), Does.Not.Contain("zq-"));
    }

    [Test]
    public async Task Failed_command_is_shown_with_its_exception_type_only()
    {
        var context = await App.SendAsync("/broken");

        Assert.That(context.Body(), Is.EqualTo("handled"));
        var profile = Logs.Profiles.Single().Message;
        Assert.That(profile, Does.Contain("no_such_table"));
        Assert.That(profile, Does.Match(@"FAILED: \w+Exception"));
        Assert.That(profile, Does.Contain("in 1 query,"));
    }

    [Test]
    public async Task Concurrent_profiled_requests_do_not_mix_their_sql()
    {
        var requests = Enumerable.Range(1, 10).Select(n => App.SendAsync($"/items/{n}")).ToArray();
        var contexts = await Task.WhenAll(requests);

        Assert.That(contexts.Select(c => c.Response.StatusCode), Is.All.EqualTo(200));
        var profiles = Logs.Profiles;
        Assert.That(profiles, Has.Count.EqualTo(10));
        foreach (var entry in profiles)
        {
            var n = int.Parse(PathNumber().Match(entry.Message).Groups[1].Value, CultureInfo.InvariantCulture);
            var tags = RequestTag().Matches(entry.Message).Select(m => m.Value).ToList();
            Assert.That(tags, Has.Count.EqualTo(n), entry.Message);
            Assert.That(tags, Is.All.EqualTo($"req-{n:00}"), entry.Message);
            Assert.That(entry.Message, Does.Contain($"in {n} {(n == 1 ? "query" : "queries")},"));
        }

        for (var n = 1; n <= 10; n++)
        {
            Assert.That(contexts[n - 1].ServerTiming(), Does.Contain($"desc=\"{n} {(n == 1 ? "query" : "queries")}\""));
        }
    }

    [Test]
    public async Task Unprofiled_requests_between_profiled_ones_do_not_hide_commands()
    {
        // EF Core caches "nobody listens" for a second after an unlistened command.
        await App.SendAsync("/items/2", profile: false);
        await App.SendAsync("/items/3");

        Assert.That(Logs.Profiles.Single().Message, Does.Contain("in 3 queries,"));
    }

    private static int CountOf(string text, string value) => Regex.Matches(text, Regex.Escape(value)).Count;

    [GeneratedRegex(@"GET /items/(\d+)")]
    private static partial Regex PathNumber();

    [GeneratedRegex(@"req-\d\d")]
    private static partial Regex RequestTag();
}

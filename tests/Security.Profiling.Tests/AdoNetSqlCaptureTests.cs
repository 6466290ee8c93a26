using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Security.Testing;

namespace Security.Profiling.Tests;

/// <summary>
/// SQL that does not go through EF Core (Dapper-style raw <see cref="NpgsqlCommand"/>s), on the real
/// PostgreSQL server: each command listed once, with its duration, never with a parameter value;
/// and EF Core's commands on Npgsql, which Npgsql traces as well, still listed once.
/// </summary>
public sealed partial class AdoNetSqlCaptureTests
{
    private const string Secret = "zq-raw-secret-5521";

    private PostgresDatabase _database = null!;
    private TestApp _app = null!;
    private CapturedLogs _logs = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        _database = await PostgresServer.CreateDatabaseAsync();
        (_app, _logs) = await ProfilingHost.StartAsync(
            app =>
            {
                // n raw commands, as Dapper would run them: text with a placeholder, the value bound.
                app.MapGet("/raw/{n:int}", async (int n, NpgsqlDataSource data) =>
                {
                    await using var connection = await data.OpenConnectionAsync();
                    for (var i = 0; i < n; i++)
                    {
                        await using var command = new NpgsqlCommand("SELECT count(*) /* raw-query */ FROM \"Items\" WHERE \"Name\" = @name", connection);
                        command.Parameters.AddWithValue("name", Secret);
                        await command.ExecuteScalarAsync();
                    }

                    return n;
                });
                app.MapGet("/raw-failing", async (NpgsqlDataSource data) =>
                {
                    await using var connection = await data.OpenConnectionAsync();
                    await using var command = new NpgsqlCommand("SELECT * FROM no_such_raw_table WHERE x = @x", connection);
                    command.Parameters.AddWithValue("x", Secret);
                    try
                    {
                        await command.ExecuteScalarAsync();
                    }
                    catch (PostgresException)
                    {
                        // Handled by the app; the profile still lists the failed command.
                    }

                    return "handled";
                });
                app.MapGet("/mixed", async (NpgsqlDataSource data, ItemsDb db) =>
                {
                    // A captured variable, not the constant: EF Core sends it as a parameter.
                    var name = Secret;
                    await db.Items.TagWith("ef-query").Where(item => item.Name == name).CountAsync();
                    await using var connection = await data.OpenConnectionAsync();
                    await using var command = new NpgsqlCommand("SELECT count(*) /* raw-query */ FROM \"Items\" WHERE \"Name\" = @name", connection);
                    command.Parameters.AddWithValue("name", Secret);
                    await command.ExecuteScalarAsync();
                    await db.Items.TagWith("ef-query").Where(item => item.Name == name).CountAsync();
                    return "mixed";
                });
            },
            services: s =>
            {
                s.AddSingleton(_ => NpgsqlDataSource.Create(_database.ConnectionString));
                s.AddDbContext<ItemsDb>(o => o.UseNpgsql(_database.ConnectionString));
            });

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ItemsDb>().Database.EnsureCreatedAsync();
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public void ForgetLogs() => _logs.Clear();

    [TestCase(1)]
    [TestCase(3)]
    public async Task Raw_NpgsqlCommands_are_each_listed_once_with_a_duration(int queries)
    {
        var context = await _app.SendAsync($"/raw/{queries}");

        Assert.That(context.Response.StatusCode, Is.EqualTo(200));
        var profile = _logs.Profiles.Single().Message;
        await TestContext.Out.WriteLineAsync(profile);
        var plural = queries == 1 ? "query" : "queries";
        Assert.That(profile, Does.Contain($"in {queries} {plural},"));
        Assert.That(RawCommandLine().Matches(profile), Has.Count.EqualTo(queries), profile);
        Assert.That(context.ServerTiming(), Does.Contain($"desc=\"{queries} {plural}\""));
    }

    [Test]
    public async Task Raw_command_parameter_values_never_appear_in_the_log_or_the_header()
    {
        var read = await _app.SendAsync("/raw/2");
        var failing = await _app.SendAsync("/raw-failing");

        Assert.That(_logs.Profiles, Has.Count.EqualTo(2));
        Assert.That(_logs.AllText, Does.Not.Contain(Secret));
        Assert.That(read.ServerTiming() + failing.ServerTiming(), Does.Not.Contain(Secret));
    }

    [Test]
    public async Task Failed_raw_command_is_listed_with_its_error_code_only()
    {
        var context = await _app.SendAsync("/raw-failing");

        Assert.That(context.Body(), Is.EqualTo("handled"));
        var profile = _logs.Profiles.Single().Message;
        Assert.That(profile, Does.Contain("no_such_raw_table"));
        Assert.That(profile, Does.Match(@"FAILED: \w+"));
        Assert.That(profile, Does.Contain("in 1 query,"));
    }

    [Test]
    public async Task EF_Core_and_raw_commands_in_one_request_are_each_listed_once()
    {
        await _app.SendAsync("/mixed");

        var profile = _logs.Profiles.Single().Message;
        await TestContext.Out.WriteLineAsync(profile);
        Assert.That(profile, Does.Contain("in 3 queries,"));
        Assert.That(Regex.Matches(profile, "-- ef-query"), Has.Count.EqualTo(2), profile);
        Assert.That(Regex.Matches(profile, @"ms, EF Core\] "), Has.Count.EqualTo(2), profile);
        Assert.That(RawCommandLine().Matches(profile), Has.Count.EqualTo(1), profile);
        var listed = Regex.Matches(profile, @"^\s+\d+\. \[", RegexOptions.Multiline).Count;
        Assert.That(listed, Is.EqualTo(3), profile);
        Assert.That(_logs.AllText, Does.Not.Contain(Secret));
    }

    [Test]
    public async Task Concurrent_raw_commands_stay_in_their_own_profile()
    {
        await Task.WhenAll(Enumerable.Range(1, 6).Select(n => _app.SendAsync($"/raw/{n}")));

        Assert.That(_logs.Profiles, Has.Count.EqualTo(6));
        foreach (var entry in _logs.Profiles)
        {
            var n = int.Parse(PathNumber().Match(entry.Message).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.That(RawCommandLine().Matches(entry.Message), Has.Count.EqualTo(n), entry.Message);
        }
    }

    // A listed command: number, duration, source, then the raw text.
    [GeneratedRegex(@"^\s+\d+\. \[\s*\d+\.\d ms, Npgsql\] SELECT count\(\*\) /\* raw-query \*/", RegexOptions.Multiline)]
    private static partial Regex RawCommandLine();

    [GeneratedRegex(@"GET /raw/(\d+)")]
    private static partial Regex PathNumber();
}

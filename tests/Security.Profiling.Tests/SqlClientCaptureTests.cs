using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Security.Profiling.Tests;

/// <summary>
/// SqlClient's command events, read by listener and event name without referencing SqlClient. No
/// SQL Server runs here, so a <see cref="DiagnosticListener"/> of the same name raises events
/// shaped as Microsoft.Data.SqlClient's (operation id, command, Stopwatch timestamp, exception).
/// </summary>
public sealed class SqlClientCaptureTests
{
    private const string Secret = "zq-sqlclient-secret-3390";

    // Created once: DiagnosticListener.AllListeners announces it to every profiling app.
    private static readonly DiagnosticListener SqlClient = new("SqlClientDiagnosticListener");

    private static void Run(string text, bool fail, bool systemDataSqlClient = false)
    {
        var prefix = systemDataSqlClient ? "System.Data.SqlClient." : "Microsoft.Data.SqlClient.";
        using var command = new SqliteCommand(text);
        command.Parameters.AddWithValue("@id", Secret);
        var operationId = Guid.NewGuid();
        var start = Stopwatch.GetTimestamp();
        if (SqlClient.IsEnabled(prefix + "WriteCommandBefore"))
        {
            SqlClient.Write(prefix + "WriteCommandBefore", new { OperationId = operationId, Operation = "ExecuteReader", Command = command, Timestamp = start });
        }

        var end = start + Stopwatch.Frequency / 100;
        if (fail)
        {
            SqlClient.Write(prefix + "WriteCommandError", new { OperationId = operationId, Command = command, Exception = new InvalidOperationException(Secret), Timestamp = end });
        }
        else
        {
            SqlClient.Write(prefix + "WriteCommandAfter", new { OperationId = operationId, Command = command, Timestamp = end });
        }
    }

    [Test]
    public async Task SqlClient_commands_are_listed_with_their_duration_and_parameter_names_only()
    {
        var (app, logs) = await ProfilingHost.StartAsync(app => app.MapGet("/orders", () =>
        {
            Run("SELECT * FROM Orders WHERE Id = @id", fail: false);
            Run("SELECT * FROM Lines WHERE OrderId = @id", fail: false, systemDataSqlClient: true);
            Run("SELECT * FROM Missing WHERE Id = @id", fail: true);
            return "ok";
        }));
        await using var _ = app;

        await app.SendAsync("/orders");

        var profile = logs.Profiles.Single().Message;
        Assert.That(profile, Does.Contain("in 3 queries,"));
        Assert.That(profile, Does.Contain("1. [   10.0 ms, SqlClient] SELECT * FROM Orders WHERE Id = @id"));
        Assert.That(profile, Does.Contain("2. [   10.0 ms, SqlClient] SELECT * FROM Lines WHERE OrderId = @id"));
        Assert.That(profile, Does.Contain("parameters: @id"));
        Assert.That(profile, Does.Contain("FAILED: InvalidOperationException"));
        Assert.That(logs.AllText, Does.Not.Contain(Secret));
    }

    [Test]
    public async Task A_request_running_many_commands_keeps_a_bounded_list_and_counts_them_all()
    {
        var (app, logs) = await ProfilingHost.StartAsync(
            app => app.MapGet("/many", () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    Run($"SELECT {i} FROM Orders WHERE Id = @id", fail: false);
                }

                return "ok";
            }),
            o => o.MaxEntriesPerProfile = 5);
        await using var _ = app;

        await app.SendAsync("/many");

        var profile = logs.Profiles.Single().Message;
        Assert.That(profile, Does.Contain("in 50 queries,"));
        Assert.That(profile, Does.Contain("... 45 more not kept"));
        Assert.That(profile, Does.Contain("SELECT 4 FROM").And.Not.Contain("SELECT 5 FROM"));
    }

    [Test]
    public async Task Unprofiled_requests_do_not_ask_SqlClient_for_events()
    {
        var asked = new List<bool>();
        var (app, _) = await ProfilingHost.StartAsync(app => app.MapGet("/orders", () =>
        {
            asked.Add(SqlClient.IsEnabled("Microsoft.Data.SqlClient.WriteCommandBefore"));
            return "ok";
        }));
        await using var __ = app;

        await app.SendAsync("/orders", profile: false);
        await app.SendAsync("/orders");

        Assert.That(asked, Is.EqualTo(new[] { false, true }));
    }
}

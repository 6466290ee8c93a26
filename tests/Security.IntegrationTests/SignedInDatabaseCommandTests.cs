using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Security.Auth;
using Security.IntegrationTests.Browser;
using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>
/// The sample on PostgreSQL (Identity and the Security.Persistence stores in one database), every command counted
/// as Npgsql sends it: a signed-in user's requests cost no database round trip once the user's checks are remembered.
/// </summary>
[NonParallelizable]
public sealed partial class SignedInDatabaseCommandTests
{
    private const int Requests = 100;
    private PostgresDatabase _database = null!;

    [SetUp]
    public async Task CreateDatabase() => _database = await PostgresServer.CreateDatabaseAsync();

    [TearDown]
    public async Task DropDatabase() => await _database.DisposeAsync();

    // admin is a superuser (no password expiry check); alice, with a changed password, gets both checks.
    [TestCase("admin", "Admin-pass-1")]
    [TestCase("alice", "Alice-pass-1")]
    public async Task Hundred_signed_in_page_requests_send_no_database_command_after_the_first(string user, string password)
    {
        await using var app = new SampleApp(new Dictionary<string, string?>
        {
            ["Security:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Security"] = _database.ConnectionString,
        });
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var alice = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByNameAsync("alice");
            await app.Services.GetRequiredService<PasswordExpiryManager>().MarkPasswordChangedAsync(alice!.Id);
        }

        await SignInAsync(client, user, password);
        using var commands = new NpgsqlCommandCounter(_database.Name);
        var perRequest = new List<int>();
        for (var i = 0; i < Requests; i++)
        {
            var before = commands.Count;
            using var response = await client.GetAsync("/private");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 1}");
            perRequest.Add(commands.Count - before);
        }

        TestContext.Out.WriteLine($"{user}: commands per request: first {perRequest[0]}, then {perRequest.Skip(1).Sum()} over {Requests - 1} requests; {string.Join(" | ", commands.Statements.Distinct())}");
        Assert.That(perRequest.Skip(1), Has.All.Zero, "requests 2 to 100");
    }

    private static async Task SignInAsync(HttpClient client, string username, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value),
        });
        using var response = await client.PostAsync("/account/login", form);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "signed in");
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*?value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();

    /// <summary>Counts the commands Npgsql runs against one database (its activities), EF's and hand-written alike.</summary>
    private sealed class NpgsqlCommandCounter : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<string> _statements = new();
        private int _count;

        public NpgsqlCommandCounter(string database)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = activity =>
                {
                    var tags = activity.TagObjects.ToList();
                    if (tags.Any(t => t.Value as string == database) &&
                        tags.FirstOrDefault(t => t.Key is "db.query.text" or "db.statement").Value is string statement)
                    {
                        Interlocked.Increment(ref _count);
                        _statements.Enqueue(statement.Length > 80 ? statement[..80] : statement);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => Volatile.Read(ref _count);

        public IEnumerable<string> Statements => _statements;

        public void Dispose() => _listener.Dispose();
    }
}

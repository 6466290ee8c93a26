using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Security.Auth.Tests;

/// <summary>What a signed-in request costs in database work: the user checks are answered from memory in steady state.</summary>
public sealed class SignedInRequestCostTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task Hundred_signed_in_requests_cost_no_database_command_after_the_first()
    {
        await using var app = await SignedInIdentityApp.StartAsync(_time);
        await app.SignInAliceAsync();
        var (commands, reads) = (app.Commands.Count, app.Store.Reads);

        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(app.Commands.Count - commands, Is.EqualTo(1), "the first request reads the user once");
            Assert.That(app.Store.Reads - reads, Is.EqualTo(1), "and the password expiry record once");
        }

        (commands, reads) = (app.Commands.Count, app.Store.Reads);
        for (var i = 0; i < 99; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(500));
            using var response = await app.Client.GetAsync("/private");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"request {i + 2}");
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(app.Commands.Count - commands, Is.Zero, "Identity commands over requests 2 to 100");
            Assert.That(app.Store.Reads - reads, Is.Zero, "password expiry reads over requests 2 to 100");
        }
    }

    [Test]
    public async Task Each_interval_costs_one_check_per_user()
    {
        await using var app = await SignedInIdentityApp.StartAsync(_time);
        await app.SignInAliceAsync();
        var (commands, reads) = (app.Commands.Count, app.Store.Reads);

        for (var i = 0; i < 10; i++)
        {
            Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"));
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        using (Assert.EnterMultipleScope())
        {
            // 0 s, 60 s, 120 s, 180 s, 240 s: the default interval is one minute.
            Assert.That(app.Commands.Count - commands, Is.EqualTo(5), "Identity commands over five minutes");
            Assert.That(app.Store.Reads - reads, Is.EqualTo(5), "password expiry reads over five minutes");
        }
    }

    [Test]
    public async Task Zero_interval_checks_the_database_on_every_request()
    {
        await using var app = await SignedInIdentityApp.StartAsync(_time, new Dictionary<string, string?>
        {
            ["Security:Auth:LoginRequired:ValidationInterval"] = "00:00:00",
            ["Security:Auth:PasswordExpiry:ValidationInterval"] = "00:00:00",
        });
        await app.SignInAliceAsync();
        var (commands, reads) = (app.Commands.Count, app.Store.Reads);

        for (var i = 0; i < 10; i++)
        {
            Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(app.Commands.Count - commands, Is.EqualTo(10));
            Assert.That(app.Store.Reads - reads, Is.EqualTo(10));
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using Security.IntegrationTests.Browser;

namespace Security.IntegrationTests;

/// <summary>
/// The attacks on login throttling, against the sample itself over real HTTP: its Razor login page (with its
/// antiforgery token) and its JSON <c>POST /api/login</c>, both signing in through Identity's SignInManager.
/// </summary>
[NonParallelizable]
public sealed partial class SampleLoginThrottlingTests
{
    private const string Throttled = "Due to the failure of previous attempts, your login request has been denied as a security precaution.";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private static HttpClient Client(SampleApp app) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

    private static async Task<HttpResponseMessage> PostPageAsync(HttpClient client, string path, params (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync("/account/login");
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        var all = fields.Append((Name: "__RequestVerificationToken", Value: token)).Select(f => KeyValuePair.Create(f.Name, f.Value));
        return await client.PostAsync(path, new FormUrlEncodedContent(all));
    }

    [Test]
    public async Task Duplicated_username_field_on_the_login_page_counts_for_the_user_the_page_signs_in()
    {
        await using var app = new SampleApp(time: _time);
        using var client = Client(app);
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostPageAsync(client, "/account/login", ("username", "alice"), ("username", "r" + i), ("password", "wrong"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"guess {i + 1} is checked, for alice");
        }

        using var right = await PostPageAsync(client, "/account/login", ("username", "alice"), ("username", "x"), ("password", "Alice-pass-1"));
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "alice is throttled whatever else the form carries");
    }

    [Test]
    public async Task Brute_force_of_200_guesses_with_the_right_password_at_150_never_signs_in_while_throttled()
    {
        await using var app = new SampleApp(time: _time);
        using var client = Client(app);
        var checkedGuesses = 0;
        for (var i = 1; i <= 200; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/login", new { username = "alice", password = i == 150 ? "Alice-pass-1" : "guess-" + i });
            Assert.That(response.StatusCode, Is.Not.EqualTo(HttpStatusCode.OK), $"guess {i} does not sign in");
            checkedGuesses += response.StatusCode == HttpStatusCode.Unauthorized ? 1 : 0;
        }

        Assert.That(checkedGuesses, Is.EqualTo(3), "three free guesses, then the delay");
    }

    [Test]
    public async Task Spray_of_4_passwords_over_50_names_from_one_address_gets_at_most_20_checked()
    {
        await using var app = new SampleApp(time: _time);
        using var client = Client(app);
        var names = Enumerable.Range(0, 48).Select(i => "user" + i).Append("admin").Append("alice").ToArray();
        var checkedGuesses = 0;
        foreach (var password in new[] { "123456", "password", "Admin-pass-1", "Alice-pass-1" })
        {
            foreach (var name in names)
            {
                using var response = await client.PostAsJsonAsync("/api/login", new { username = name, password });
                checkedGuesses += response.StatusCode == HttpStatusCode.TooManyRequests ? 0 : 1;
            }
        }

        Assert.That(checkedGuesses, Is.InRange(1, 20));
    }

    [TestCase("/account/login/")]
    [TestCase("/Account/Login")]
    public async Task Every_spelling_of_the_login_page_is_throttled_and_shows_the_message(string path)
    {
        await using var app = new SampleApp(time: _time);
        using var client = Client(app);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await PostPageAsync(client, path, ("username", "alice"), ("password", "wrong"));
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"failure {i + 1} re-shows the form");
        }

        using var throttled = await PostPageAsync(client, path, ("username", "alice"), ("password", "Alice-pass-1"));
        Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(throttled.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(WebUtility.HtmlDecode(await throttled.Content.ReadAsStringAsync()), Does.Contain(Throttled + " Please try again in at least 5 seconds."));
    }

    [Test]
    public async Task JSON_login_signs_in_answers_401_on_a_wrong_password_and_shares_the_users_counter_with_the_page()
    {
        await using var app = new SampleApp(time: _time);
        using var client = Client(app);
        using (var ok = await client.PostAsJsonAsync("/api/login", new { username = "admin", password = "Admin-pass-1" }))
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ok.Headers.Contains("Set-Cookie"), Is.True, "signed in");
        }

        using var attacker = Client(app);
        for (var i = 0; i < 3; i++)
        {
            using var failed = await attacker.PostAsJsonAsync("/api/login", new { username = "alice", password = "wrong" });
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        }

        using (var json = await attacker.PostAsJsonAsync("/api/login", new { username = "ALICE", password = "Alice-pass-1" }))
        {
            Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        }

        using var page = await PostPageAsync(attacker, "/account/login", ("username", "alice"), ("password", "Alice-pass-1"));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the page and the JSON endpoint count alice once");
    }

    [Test]
    public async Task JSON_login_with_a_four_megabyte_username_is_refused_before_it_is_read_in_full()
    {
        await using var app = new SampleApp(time: _time);
        using var client = Client(app);
        using var response = await client.PostAsJsonAsync("/api/login", new { username = new string('a', 4_000_000), password = "x" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*?value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Security.IntegrationTests.Templates;

/// <summary>
/// <c>dotnet new webapi</c> with Identity's API endpoints (<c>AddIdentityApiEndpoints</c>, <c>MapIdentityApi</c>) wired by
/// the README's lines, published and run in Production over HTTPS, called as an API client would.
/// </summary>
[NonParallelizable]
public sealed class WebApiTemplateTests
{
    private const string Password = "Templ4te-pass!";
    private const string ApiPolicy = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private TemplateApp _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task CreateApp()
    {
        var time = Stopwatch.StartNew();
        _app = TemplateApp.Create(["webapi"], "WebApi", ["Security.Headers", "Security.Csp", "Security.Auth"]);
        WebApiTemplateWiring.Apply(_app);
        // Not a README line: an app uses migrations; the harness makes Identity's tables directly.
        _app.Replace("Program.cs", "app.Run();", """
            using (var scope = app.Services.CreateScope())
            {
                scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.EnsureCreated();
            }

            app.Run();
            """);
        await _app.StartAsync();
        _client = _app.CreateClient();
        TestContext.Progress.WriteLine($"webapi template created, published and started in {time.Elapsed.TotalSeconds:F0} s");
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        // Also after a failed set-up, which may have stopped before either was made.
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Test]
    public async Task Anonymous_api_call_gets_401_never_a_redirect()
    {
        using var response = await _client.GetAsync("weatherforecast");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.Location, Is.Null);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), "the security headers are on");
        });
    }

    [Test]
    public async Task Identitys_manage_endpoints_keep_their_own_authorization()
    {
        using var response = await _client.GetAsync("account/manage/info");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "LoginNotRequired opens the sign-in endpoints only");
    }

    [Test]
    public async Task Registered_user_signs_in_and_calls_the_api_with_the_token()
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        using var registered = await _client.PostAsJsonAsync("account/register", new { email, password = Password });
        Assert.That(registered.StatusCode, Is.EqualTo(HttpStatusCode.OK), await registered.Content.ReadAsStringAsync());

        using var login = await _client.PostAsJsonAsync("account/login", new { email, password = Password });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        Assert.That(login.Headers.CacheControl?.NoStore, Is.True, "a token response is never cached");
        Assert.That(login.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(ApiPolicy), "the API header set, with no per-endpoint setup");
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, "weatherforecast");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var forecast = await _client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(forecast.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(forecast.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(forecast.Headers.GetValues("Content-Security-Policy").Single(), Is.EqualTo(ApiPolicy));
            Assert.That(forecast.Headers.CacheControl?.NoStore, Is.True, "a user's API answer is not cached");
        });
    }

    [Test]
    public async Task Fourth_wrong_password_in_a_row_is_refused_as_LockedOut_with_Retry_After()
    {
        var email = $"nobody-{Guid.NewGuid():N}@example.com";
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var failed = await _client.PostAsJsonAsync("account/login", new { email, password = "wrong-password" });
            Assert.That(await failed.Content.ReadAsStringAsync(), Does.Contain("Failed"), $"attempt {attempt}");
        }

        using var throttled = await _client.PostAsJsonAsync("account/login", new { email, password = "wrong-password" });

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await throttled.Content.ReadAsStringAsync(), Does.Contain("LockedOut"));
            Assert.That(throttled.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        });
    }
}

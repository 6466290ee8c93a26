using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// An API app on Identity's bearer scheme (<c>MapIdentityApi</c>) behind login-required: anonymous calls get the
/// bearer scheme's 401, never a redirect, and a token from <c>/login</c> opens the API.
/// </summary>
public sealed class LoginRequiredIdentityApiTests : IdentityAppFixture
{
    protected override IdentityTestAppOptions CreateOptions() =>
        new()
        {
            Environment = "Testing",
            ConfigureBuilder = builder => builder.Quiet(),
            Users = { ("alice@example.com", "Passw0rd!") },
            Identity = identity => identity.AddApiEndpoints(),
            ConfigureServices = services =>
            {
                services.AddAuthentication(o =>
                {
                    o.DefaultAuthenticateScheme = IdentityConstants.BearerScheme;
                    o.DefaultChallengeScheme = IdentityConstants.BearerScheme;
                }).AddBearerToken(IdentityConstants.BearerScheme);
                services.AddAuthorization();
                // MapIdentityApi's sign-in endpoints carry no [AllowAnonymous]: the app names them.
                services.AddLoginRequired(o => o.ExemptPaths.Add("account/(register|login|refresh)$"));
            },
            ConfigureApp = app =>
            {
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UseAuthorization();
                app.MapGroup("/account").MapIdentityApi<IdentityUser>();
                app.MapGet("/api/items", () => new[] { "a", "b" });
                app.MapGet("/text", () => "text");
            },
        };

    [TestCase("/api/items")]
    [TestCase("/text")]
    [TestCase("/account/manage/info")]
    public async Task Anonymous_call_gets_the_bearer_schemes_401_never_a_redirect(string path)
    {
        using var response = await App.Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.Location, Is.Null);
    }

    [Test]
    public async Task A_token_from_login_opens_the_api()
    {
        using var login = await App.Client.PostAsJsonAsync("/account/login", new { email = "alice@example.com", password = "Passw0rd!" });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var token = JsonDocument.Parse(await login.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/items");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("accessToken").GetString());
        using var items = await App.Client.SendAsync(request);
        Assert.That(items.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await items.Content.ReadAsStringAsync(), Is.EqualTo("[\"a\",\"b\"]"));
    }
}

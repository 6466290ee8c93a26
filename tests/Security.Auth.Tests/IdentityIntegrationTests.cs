using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;
using Security.Auth.Internal;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>Every part together on ASP.NET Core Identity with SQLite, with the app's login code unchanged.</summary>
public sealed class IdentityIntegrationTests
{
    private const string AlicePassword = "Passw0rd";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly DateTimeOffset FarFuture = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private IdentityTestApp _app = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = _time,
            Environment = "Testing",
            Users = { ("alice", AlicePassword), ("admin", "Adm1nPass") },
            IdentityOptions = o =>
            {
                // The original's password rules.
                o.Password.RequiredLength = 6;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireDigit = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
            },
            Identity = identity => identity.AddDefaultTokenProviders().AddPasswordExpiry().AddLoginThrottling().AddErrorDescriber<PasswordRulesErrorDescriber>(),
            ConfigureBuilder = builder => builder.Quiet(),
            ConfigureServices = services =>
            {
                services.ConfigureApplicationCookie(o => o.LoginPath = "/account/login");
                services.AddAuthorization();
                // Identity signs in with Identity.Application but its default sign-out scheme is
                // Identity.External: sign out through SignInManager, as the README advises.
                services.AddLoginRequired();
                services.AddPasswordExpiry(o =>
                {
                    o.ChangePasswordUrl = "/account/change-password";
                    o.ExemptPaths.Add("account/logout$");
                });
                services.AddLoginThrottling();
            },
            ConfigureApp = app =>
            {
                app.UseRouting();
                app.UseAuthentication();
                app.UseLoginRequired();
                app.UsePasswordExpiry();
                app.UseAuthorization();
                app.MapGet("/account/login", () => "login page");
                app.MapIdentityFormLogin("/account/login", (result, c) =>
                    c.Features.Get<ILoginThrottlingFeature>() is { } f ? Results.Text("login page: " + f.Message, statusCode: StatusCodes.Status429TooManyRequests)
                    : result.Succeeded ? Results.Redirect("/private") : Results.Content("invalid login"));
                app.MapGet("/account/change-password", () => "change form");
                app.MapPost("/account/change-password", async (HttpContext c, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn) =>
                {
                    var form = await c.Request.ReadFormAsync();
                    var user = (await users.GetUserAsync(c.User))!;
                    var result = await users.ChangePasswordAsync(user, form["current"].ToString(), form["new"].ToString());
                    if (!result.Succeeded)
                    {
                        return Results.Content(string.Join("\n", result.Errors.Select(e => e.Description)));
                    }

                    await signIn.RefreshSignInAsync(user);
                    return Results.Content("changed");
                });
                app.MapGet("/private", (HttpContext c) => "private " + c.User.Identity!.Name);
                app.MapLoginThrottlingReset("/admin/throttling/reset");
            },
        });

        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().CreateAsync(new IdentityRole("Admin"));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        await users.AddToRoleAsync((await users.FindByNameAsync("admin"))!, "Admin");
    }

    [TearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    // Identity's sign-ins count alice under the id Identity found.
    private async Task<string> AliceKeyAsync() => _app.Services.GetRequiredService<LoginThrottlingKeys>().UserId(await UserIdAsync("alice"));

    private async Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields) =>
        await _app.Client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    private async Task SignInAsync(string username, string password)
    {
        using var response = await PostAsync("/account/login", ("username", username), ("password", password));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "sign-in");
    }

    private Task<string> UserIdAsync(string name) => _app.UserIdAsync(name);

    private Task<PasswordExpiry?> RecordAsync(string userId) =>
        _app.Services.GetRequiredService<IPasswordExpiryStore>().FindAsync(userId);

    [Test]
    public async Task Anonymous_user_is_sent_to_Identitys_login_path_with_ReturnUrl()
    {
        using var response = await _app.Client.GetAsync("/private?tab=1");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/account/login?ReturnUrl=%2Fprivate%3Ftab%3D1"));
    }

    [Test]
    public async Task New_user_must_change_the_initial_password_and_a_successful_change_clears_it()
    {
        await SignInAsync("alice", AlicePassword);
        using (var forced = await _app.Client.GetAsync("/private"))
        {
            Assert.That(forced.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(forced.Headers.Location!.OriginalString, Is.EqualTo("/account/change-password"));
        }

        using (var changed = await PostAsync("/account/change-password", ("current", AlicePassword), ("new", "N3wSecret")))
        {
            Assert.That(await changed.Content.ReadAsStringAsync(), Is.EqualTo("changed"));
        }

        Assert.That(await RecordAsync(await UserIdAsync("alice")), Is.EqualTo(new PasswordExpiry(await UserIdAsync("alice"), null)));
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private alice"));
    }

    [Test]
    public async Task Failed_change_leaves_the_password_expired()
    {
        await SignInAsync("alice", AlicePassword);
        using (var failed = await PostAsync("/account/change-password", ("current", "wrong"), ("new", "N3wSecret")))
        {
            Assert.That(await failed.Content.ReadAsStringAsync(), Is.EqualTo("Incorrect password."));
        }

        using var response = await _app.Client.GetAsync("/private");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
    }

    [Test]
    public async Task Weak_new_password_is_refused_with_the_originals_messages()
    {
        await SignInAsync("alice", AlicePassword);
        using var response = await PostAsync("/account/change-password", ("current", AlicePassword), ("new", "abc"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(
            "It must contain at least 6 characters.\nIt must contain at least one decimal digit.\nIt must contain at least one uppercase letter."));
        using var lower = await PostAsync("/account/change-password", ("current", AlicePassword), ("new", "ABCDEF1"));
        Assert.That(await lower.Content.ReadAsStringAsync(), Is.EqualTo("It must contain at least one lowercase letter."));
    }

    [Test]
    public async Task Admin_is_not_forced_to_change_the_password()
    {
        await SignInAsync("admin", "Adm1nPass");
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private admin"));
    }

    [Test]
    public async Task Exempt_logout_path_is_reachable_with_an_expired_password()
    {
        await SignInAsync("alice", AlicePassword);
        using var response = await _app.Client.GetAsync("/account/logout");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Deleting_a_user_deletes_the_record()
    {
        await SignInAsync("alice", AlicePassword);
        using (await _app.Client.GetAsync("/private"))
        {
        }

        var id = await UserIdAsync("alice");
        Assert.That(await RecordAsync(id), Is.Not.Null);
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.That((await users.DeleteAsync((await users.FindByIdAsync(id))!)).Succeeded);
        Assert.That(await RecordAsync(id), Is.Null);
    }

    [Test]
    public async Task Password_reset_through_a_token_marks_the_password_changed()
    {
        var id = await UserIdAsync("alice");
        await _app.Services.GetRequiredService<PasswordExpiryManager>().ExpireNowAsync(id);
        await using var scope = _app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        Assert.That(users, Is.InstanceOf<PasswordExpiryUserManager<IdentityUser>>());
        var user = (await users.FindByIdAsync(id))!;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        Assert.That((await users.ResetPasswordAsync(user, token, "Res3tPass")).Succeeded);
        Assert.That(await RecordAsync(id), Is.EqualTo(new PasswordExpiry(id, null)));
    }

    [Test]
    public async Task Locked_out_user_is_logged_out_and_sent_to_the_login_page()
    {
        await SignInAsync("admin", "Adm1nPass");
        Assert.That(await _app.Client.GetStringAsync("/private"), Is.EqualTo("private admin"));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
            var admin = (await users.FindByNameAsync("admin"))!;
            await users.SetLockoutEndDateAsync(admin, FarFuture);
        }

        using var response = await _app.Client.GetAsync("/private");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("http://localhost/account/login?ReturnUrl=%2Fprivate"));
        Assert.That(response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(".AspNetCore.Identity.Application=;", StringComparison.Ordinal)), Is.True, "the sign-in cookie is cleared");
        using var again = await _app.Client.GetAsync("/private");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Found), "still treated as anonymous");
    }

    [Test]
    public async Task SignInManager_failures_are_throttled_with_the_login_page_message()
    {
        for (var i = 0; i < 3; i++)
        {
            using var failed = await PostAsync("/account/login", ("username", "Alice"), ("password", "wrong"));
            Assert.That(await failed.Content.ReadAsStringAsync(), Is.EqualTo("invalid login"));
        }

        using var refused = await PostAsync("/account/login", ("username", "alice"), ("password", AlicePassword));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(refused.Headers.RetryAfter!.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(await refused.Content.ReadAsStringAsync(), Is.EqualTo(
            "login page: Due to the failure of previous attempts, your login request has been denied as a security precaution. Please try again in at least 5 seconds."));

        _time.Advance(TimeSpan.FromSeconds(5));
        await SignInAsync("alice", AlicePassword);
        var store = _app.Services.GetRequiredService<IThrottleCounterStore>();
        Assert.That(await store.GetAsync(await AliceKeyAsync(), _time.GetUtcNow()), Is.Null, "success resets the counter");
    }

    [Test]
    public async Task Admin_reset_uses_Identity_to_know_users()
    {
        var store = _app.Services.GetRequiredService<IThrottleCounterStore>();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await PostAsync("/account/login", ("username", "alice"), ("password", "wrong"));
        }

        using (var anonymous = await PostAsync("/admin/throttling/reset", ("username", "alice")))
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Found), "login required comes first for anonymous users");
        }

        await SignInAsync("admin", "Adm1nPass");
        using (var unknown = await PostAsync("/admin/throttling/reset", ("username", "nobody")))
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        Assert.That(await store.GetAsync(await AliceKeyAsync(), _time.GetUtcNow()), Is.Not.Null, "three failures counted");
        using var reset = await PostAsync("/admin/throttling/reset", ("username", " Alice"));
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "any spelling Identity resolves to alice");
        Assert.That(await store.GetAsync(await AliceKeyAsync(), _time.GetUtcNow()), Is.Null);
    }

    [Test]
    public async Task Non_admin_gets_404_from_the_reset_endpoint()
    {
        await _app.Services.GetRequiredService<PasswordExpiryManager>().MarkPasswordChangedAsync(await UserIdAsync("alice"));
        await SignInAsync("alice", AlicePassword);
        using var response = await PostAsync("/admin/throttling/reset", ("username", "alice"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}

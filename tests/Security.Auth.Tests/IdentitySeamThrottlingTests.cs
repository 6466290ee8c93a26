using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// The logins the stock templates have, throttled by the one registration the README shows
/// (<c>.AddLoginThrottling()</c> on the Identity builder) with no per-page setting: Identity's default UI login page
/// (a Razor class library page), <c>MapIdentityApi</c>'s JSON <c>/login</c>, and the two-factor recovery-code step.
/// Each shows its own lockout answer. Also the registrations that cannot work, refused at startup.
/// </summary>
public sealed partial class IdentitySeamThrottlingTests
{
    private const string AliceEmail = "alice@example.com";
    private const string AlicePassword = "Alice-pass-1";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private Task<IdentityTestApp> StartAsync(
        Func<IServiceCollection, Action<IdentityOptions>, IdentityBuilder> register,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? app = null) =>
        IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = _time,
            Environment = "Testing",
            Users = { (AliceEmail, AlicePassword) },
            Register = register,
            Identity = identity => identity.AddLoginThrottling(),
            ConfigureBuilder = builder => builder.Quiet(),
            ConfigureServices = s =>
            {
                s.AddLoginThrottling();
                services?.Invoke(s);
            },
            ConfigureApp = web => app?.Invoke(web),
        });

    [Test]
    public async Task Identity_default_UI_login_page_is_throttled_and_sends_the_user_to_its_lockout_page()
    {
        await using var app = await StartAsync(
            (s, o) => s.AddDefaultIdentity<IdentityUser>(o).AddRoles<IdentityRole>(),
            // The app's own _LoginPartial, as every template app has it, from this assembly.
            s => s.AddRazorPages().AddApplicationPart(typeof(IdentitySeamThrottlingTests).Assembly),
            web => web.MapRazorPages());

        for (var i = 0; i < 3; i++)
        {
            using var failed = await PostDefaultUiLoginAsync(app, "wrong");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await failed.Content.ReadAsStringAsync(), Does.Contain("Invalid login attempt."), $"failure {i + 1} reaches the password check");
        }

        using var throttled = await PostDefaultUiLoginAsync(app, AlicePassword);
        Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(throttled.Headers.Location?.OriginalString, Is.EqualTo("./Lockout").Or.EqualTo("/Identity/Account/Lockout"));
        Assert.That(throttled.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal) && !c.Contains("=;", StringComparison.Ordinal)),
            Is.False, "the right password does not sign in while throttled");
        using var lockout = await app.Client.GetAsync("/Identity/Account/Lockout");
        Assert.That(await lockout.Content.ReadAsStringAsync(), Does.Contain("Locked out"), "the default UI's own lockout page");
    }

    private static async Task<HttpResponseMessage> PostDefaultUiLoginAsync(IdentityTestApp app, string password)
    {
        var page = await app.Client.GetStringAsync("/Identity/Account/Login");
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        return await app.Client.PostAsync("/Identity/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = AliceEmail,
            ["Input.Password"] = password,
            ["Input.RememberMe"] = "false",
            ["__RequestVerificationToken"] = token,
        }));
    }

    [Test]
    public async Task MapIdentityApi_login_is_throttled_and_answers_its_401_problem_with_Retry_After()
    {
        await using var app = await StartAsync(
            (s, o) => s.AddIdentityApiEndpoints<IdentityUser>(o).AddRoles<IdentityRole>(),
            app: web => web.MapIdentityApi<IdentityUser>());

        for (var i = 0; i < 3; i++)
        {
            using var failed = await app.Client.PostAsJsonAsync("/login", new { email = AliceEmail, password = "wrong" });
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await failed.Content.ReadAsStringAsync(), Does.Contain("Failed"));
        }

        using var throttled = await app.Client.PostAsJsonAsync("/login", new { email = "ALICE@example.com", password = AlicePassword });
        Assert.That(throttled.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await throttled.Content.ReadAsStringAsync(), Does.Contain("LockedOut"), "Identity's own problem answer");
        Assert.That(throttled.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(await throttled.Content.ReadAsStringAsync(), Does.Not.Contain("accessToken"));

        _time.Advance(TimeSpan.FromSeconds(5));
        using var signedIn = await app.Client.PostAsJsonAsync("/login", new { email = AliceEmail, password = AlicePassword });
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await signedIn.Content.ReadAsStringAsync(), Does.Contain("accessToken"));
    }

    [Test]
    public async Task Recovery_code_guesses_are_throttled_and_the_finished_two_factor_sign_in_resets_the_password_counter()
    {
        string[] codes = [];
        await using var app = await StartAsync(
            (s, o) => s.AddIdentity<IdentityUser, IdentityRole>(o).AddDefaultTokenProviders(),
            app: web =>
            {
                web.MapPost("/login", async (HttpContext c, SignInManager<IdentityUser> signIn) =>
                {
                    var form = await c.Request.ReadFormAsync();
                    var result = await signIn.PasswordSignInAsync(form["username"].ToString(), form["password"].ToString(), false, false);
                    return Results.Text(result.ToString());
                });
                web.MapPost("/login/recovery", async (HttpContext c, SignInManager<IdentityUser> signIn) =>
                {
                    var form = await c.Request.ReadFormAsync();
                    return Results.Text((await signIn.TwoFactorRecoveryCodeSignInAsync(form["code"].ToString())).ToString());
                });
            });
        codes = (await app.WithUsersAsync(async users =>
        {
            var alice = (await users.FindByNameAsync(AliceEmail))!;
            await users.SetTwoFactorEnabledAsync(alice, true);
            await users.ResetAuthenticatorKeyAsync(alice);
            return await users.GenerateNewTwoFactorRecoveryCodesAsync(alice, 2);
        }))!.ToArray();

        Task<string> Post(string path, params (string, string)[] fields) =>
            app.Client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Item1, f.Item2)))).ContinueWith(t => t.Result.Content.ReadAsStringAsync()).Unwrap();

        Assert.That(await Post("/login", ("username", AliceEmail), ("password", "wrong")), Is.EqualTo("Failed"));
        Assert.That(await Post("/login", ("username", AliceEmail), ("password", AlicePassword)), Is.EqualTo("RequiresTwoFactor"));
        for (var i = 0; i < 3; i++)
        {
            Assert.That(await Post("/login/recovery", ("code", "wrong-" + i)), Is.EqualTo("Failed"), $"guess {i + 1} is checked");
        }

        Assert.That(await Post("/login/recovery", ("code", codes[0])), Is.EqualTo("LockedOut"), "the fourth guess is throttled, right or not");
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(await Post("/login/recovery", ("code", codes[0])), Is.EqualTo("Succeeded"));

        // The sign-in finished: the password counter (2 attempts) is reset, so three more failures are free again.
        using var fresh = app.NewClient();
        for (var i = 0; i < 3; i++)
        {
            using var failed = await fresh.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = AliceEmail, ["password"] = "wrong" }));
            Assert.That(await failed.Content.ReadAsStringAsync(), Is.EqualTo("Failed"), $"failure {i + 1} after the reset");
        }
    }

    [Test]
    public void Identity_with_throttling_registered_but_its_sign_in_manager_left_unthrottled_fails_at_startup()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            ConfigureBuilder = builder => builder.Quiet(),
            ConfigureServices = s => s.AddLoginThrottling(),
        }));
        Assert.That(error!.Message, Does.Contain("SignInManager<IdentityUser> checks passwords unthrottled: call .AddLoginThrottling() on the Identity builder"));
    }

    [Test]
    public void Own_sign_in_manager_that_does_not_derive_from_the_throttling_one_fails_at_startup_naming_it()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            ConfigureBuilder = builder => builder.Quiet(),
            Identity = identity => identity.AddLoginThrottling().AddSignInManager<PlainSignInManager>(),
        }));
        Assert.That(error!.Message, Does.Contain("SignInManager<IdentityUser> is PlainSignInManager").And.Contain("derive it from LoginThrottlingSignInManager<IdentityUser>"));
    }

    [Test]
    public async Task Own_sign_in_manager_derived_from_the_throttling_one_starts_and_throttles()
    {
        await using var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            Time = _time,
            Users = { (AliceEmail, AlicePassword) },
            ConfigureBuilder = builder => builder.Quiet(),
            Identity = identity => identity.AddLoginThrottling().AddSignInManager<DerivedSignInManager>(),
            ConfigureApp = web => web.MapIdentityFormLogin("/login", (result, _) => Results.Text(result.ToString())),
        });
        await using var scope = app.Services.CreateAsyncScope();
        Assert.That(scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>(), Is.TypeOf<DerivedSignInManager>());
        for (var i = 0; i < 3; i++)
        {
            using var failed = await app.Client.PostAsync("/login", Form(AliceEmail, "wrong"));
        }

        using var throttled = await app.Client.PostAsync("/login", Form(AliceEmail, AlicePassword));
        Assert.That(await throttled.Content.ReadAsStringAsync(), Is.EqualTo("LockedOut"));
    }

    [Test]
    public async Task Identity_core_without_a_sign_in_manager_gets_the_throttling_one()
    {
        await using var app = await IdentityTestApp.StartAsync(new IdentityTestAppOptions
        {
            ConfigureBuilder = builder => builder.Quiet(),
            Register = (s, o) =>
            {
                s.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
                return s.AddIdentityCore<IdentityUser>(o).AddRoles<IdentityRole>();
            },
            Identity = identity => identity.AddLoginThrottling(),
        });
        await using var scope = app.Services.CreateAsyncScope();
        Assert.That(scope.ServiceProvider.GetRequiredService<SignInManager<IdentityUser>>(), Is.TypeOf<LoginThrottlingSignInManager<IdentityUser>>());
    }

    [Test]
    public void Identity_throttling_for_a_user_type_Identity_does_not_know_fails_at_startup()
    {
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Security.Testing.TestHost.StartAsync(
            services =>
            {
                services.AddAuthentication();
                new IdentityBuilder(typeof(IdentityUser), services).AddLoginThrottling();
            },
            _ => { },
            configureBuilder: builder => builder.Quiet()));
        Assert.That(error!.Message, Does.Contain("AddLoginThrottling() was called on an Identity builder for IdentityUser, but Identity is not registered for it"));
    }

    private static FormUrlEncodedContent Form(string username, string password) =>
        new(new Dictionary<string, string> { ["username"] = username, ["password"] = password });

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*?value="([^"]+)""")]
    private static partial Regex AntiforgeryToken();

    private sealed class PlainSignInManager(
        UserManager<IdentityUser> userManager,
        IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<IdentityUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor,
        ILogger<SignInManager<IdentityUser>> logger,
        Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider schemes,
        IUserConfirmation<IdentityUser> confirmation)
        : SignInManager<IdentityUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation);

    private sealed class DerivedSignInManager(
        UserManager<IdentityUser> userManager,
        IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<IdentityUser> claimsFactory,
        IOptions<IdentityOptions> optionsAccessor,
        ILogger<SignInManager<IdentityUser>> logger,
        Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider schemes,
        IUserConfirmation<IdentityUser> confirmation)
        : LoginThrottlingSignInManager<IdentityUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation);
}

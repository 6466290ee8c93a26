using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Security.Abstractions;

namespace Security.Auth.Tests;

public sealed class PasswordExpiryTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    private Task<AuthTestApp> StartAsync(Action<PasswordExpiryOptions>? configure = null, bool beforeRouting = false) =>
        AuthTestApp.StartAsync(
            builder =>
            {
                AuthTestApp.AddCookieAuth(builder);
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddPasswordExpiry(o =>
                {
                    o.ChangePasswordUrl = "/account/change-password";
                    configure?.Invoke(o);
                });
            },
            app =>
            {
                app.UseAuthentication();
                if (beforeRouting)
                {
                    app.UsePasswordExpiry();
                }

                app.UseRouting();
                if (!beforeRouting)
                {
                    app.UsePasswordExpiry();
                }

                AuthTestApp.MapTestSignIn(app);
                app.MapGet("/private", () => "private");
                app.MapGet("/account/change-password", () => "change");
                app.MapGet("/account/logout", () => "bye").WithName("logout");
                app.MapGet("/api/files/{name}", (string name) => name);
                app.MapGet("/Home/Index/{id}", (string id) => id);
                app.MapGet("/health", () => "ok").AllowExpiredPassword();
                app.MapGroup("/assets").AllowExpiredPassword().MapGet("/{file}", (string file) => file);
                // What MapStaticAssets() puts on each of its endpoints.
                app.MapGet("/lib/site.css", () => "body {}").WithMetadata(new StaticAssetDescriptor { Route = "lib/site.css", AssetPath = "lib/site.css" });
            });

    private IPasswordExpiryStore Store(AuthTestApp app) => app.Services.GetRequiredService<IPasswordExpiryStore>();

    private static async Task<HttpResponseMessage> GetAsync(AuthTestApp app, string path) => await app.Client.GetAsync(path);

    private static void AssertRedirectedToChange(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(response.Headers.Location!.OriginalString, Is.EqualTo("/account/change-password"));
    }

    [Test]
    public async Task New_user_is_redirected_at_first_check_and_gets_a_record_dated_now()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var response = await GetAsync(app, "/private");
        AssertRedirectedToChange(response);
        Assert.That(await Store(app).FindAsync("id-alice"), Is.EqualTo(new PasswordExpiry("id-alice", _time.GetUtcNow())));
    }

    [Test]
    public async Task New_user_rule_can_be_turned_off()
    {
        await using var app = await StartAsync(o => o.ExpireNewUsers = false);
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
        Assert.That(await Store(app).FindAsync("id-alice"), Is.EqualTo(new PasswordExpiry("id-alice", null)));
    }

    [Test]
    public async Task Anonymous_user_is_never_redirected()
    {
        await using var app = await StartAsync();
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
    }

    [Test]
    public async Task Record_that_never_expires_lets_the_user_through()
    {
        await using var app = await StartAsync();
        await Store(app).SetAsync(new PasswordExpiry("id-alice", null));
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
    }

    [Test]
    public async Task Password_expires_when_its_date_is_reached()
    {
        await using var app = await StartAsync();
        await Store(app).SetAsync(new PasswordExpiry("id-alice", _time.GetUtcNow().AddMinutes(1)));
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
        _time.Advance(TimeSpan.FromSeconds(1));
        using var response = await GetAsync(app, "/private");
        AssertRedirectedToChange(response);
    }

    [Test]
    public async Task Change_url_itself_is_not_redirected()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/account/change-password"), Is.EqualTo("change"));
    }

    [Test]
    public async Task Exempt_pattern_is_checked_before_routing_so_an_unrouted_exempt_path_is_a_plain_404()
    {
        await using var app = await StartAsync(o => o.ExemptPaths.Add("help/"), beforeRouting: true);
        await app.SignInAsync("alice");
        using var exempt = await GetAsync(app, "/help/nothing-here");
        Assert.That(exempt.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        using var other = await GetAsync(app, "/private");
        AssertRedirectedToChange(other);
    }

    [Test]
    public async Task Exempt_endpoint_name_is_not_redirected()
    {
        await using var app = await StartAsync(o => o.ExemptEndpointNames.Add("logout"));
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/account/logout"), Is.EqualTo("bye"));
        using var response = await GetAsync(app, "/private");
        AssertRedirectedToChange(response);
    }

    [Test]
    public async Task Endpoint_names_are_not_exempt_unless_listed()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var response = await GetAsync(app, "/account/logout");
        AssertRedirectedToChange(response);
    }

    [TestCase("/api/files/a.pdf")]
    [TestCase("/Home/Index/x.y")]
    [TestCase("/api/files/report.tar.gz")]
    public async Task Dotted_path_of_an_endpoint_is_redirected_like_any_other(string path)
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var response = await GetAsync(app, path);
        AssertRedirectedToChange(response);
    }

    [Test]
    public async Task Static_asset_endpoints_stay_reachable_so_the_change_page_is_styled()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var response = await GetAsync(app, "/lib/site.css");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("/health")]
    [TestCase("/assets/site.css")]
    public async Task Endpoints_marked_AllowExpiredPassword_stay_reachable(string path)
    {
        await using var app = await StartAsync();
        await app.SignInAsync("alice");
        using var response = await GetAsync(app, path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Superuser_is_exempt_by_default()
    {
        await using var app = await StartAsync();
        await app.SignInAsync("root", "Admin");
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
    }

    [Test]
    public async Task Superuser_is_redirected_when_superusers_are_included()
    {
        await using var app = await StartAsync(o => o.IncludeSuperusers = true);
        await app.SignInAsync("root", "Admin");
        using var response = await GetAsync(app, "/private");
        AssertRedirectedToChange(response);
    }

    [Test]
    public async Task Superuser_rule_is_a_delegate()
    {
        await using var app = await StartAsync(o => o.IsSuperuser = (_, user) => ValueTask.FromResult(user.Identity!.Name == "alice"));
        await app.SignInAsync("alice");
        Assert.That(await app.Client.GetStringAsync("/private"), Is.EqualTo("private"));
    }

    [Test]
    public async Task Manager_marks_a_change_and_applies_the_maximum_age()
    {
        await using var app = await StartAsync(o => o.MaxPasswordAge = TimeSpan.FromDays(90));
        var manager = app.Services.GetRequiredService<PasswordExpiryManager>();
        await manager.MarkPasswordChangedAsync("id-alice");
        Assert.That(await Store(app).FindAsync("id-alice"), Is.EqualTo(new PasswordExpiry("id-alice", _time.GetUtcNow().AddDays(90))));
        await manager.ExpireNowAsync("id-alice");
        Assert.That(await manager.IsExpiredAsync("id-alice"), Is.True);
        Assert.That(await manager.DeleteAsync("id-alice"), Is.True);
        Assert.That(await Store(app).FindAsync("id-alice"), Is.Null);
    }

    [Test]
    public void Missing_change_url_and_bad_options_fail_at_start_naming_each()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => AuthTestApp.StartAsync(
            builder => builder.Services.AddPasswordExpiry(o =>
            {
                o.ExemptPaths.Add("[");
                o.ExemptEndpointNames.Add(" ");
                o.MaxPasswordAge = TimeSpan.Zero;
                o.ValidationInterval = TimeSpan.FromDays(2);
            }),
            app => app.UsePasswordExpiry()));
        Assert.That(error!.Failures, Has.Exactly(5).Items);
        Assert.That(error.Message, Does.Contain("Security:Auth:PasswordExpiry:ChangePasswordUrl: is required"));
        Assert.That(error.Message, Does.Contain("Security:Auth:PasswordExpiry:ExemptPaths[0] '['"));
        Assert.That(error.Message, Does.Contain("Security:Auth:PasswordExpiry:ExemptEndpointNames[0]"));
        Assert.That(error.Message, Does.Contain("Security:Auth:PasswordExpiry:MaxPasswordAge: '00:00:00'"));
        Assert.That(error.Message, Does.Contain("Security:Auth:PasswordExpiry:ValidationInterval: '2.00:00:00' must be from 00:00:00"));
    }

    [Test]
    public void Builder_exposes_the_services_for_storage_packages()
    {
        var services = new ServiceCollection();
        IPasswordExpiryStoreBuilder builder = services.AddPasswordExpiry();
        Assert.That(builder.Services, Is.SameAs(services));
    }
}

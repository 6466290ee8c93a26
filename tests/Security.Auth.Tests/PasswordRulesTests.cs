using Microsoft.AspNetCore.Identity;
using Security.Testing;

namespace Security.Auth.Tests;

/// <summary>
/// The original's password rules and messages on real ASP.NET Core Identity: Identity's own
/// <see cref="PasswordValidator{TUser}"/> checks, <see cref="PasswordRulesErrorDescriber"/> words the errors.
/// </summary>
public sealed class PasswordRulesTests : IdentityAppFixture
{
    protected override IdentityTestAppOptions CreateOptions() =>
        new()
        {
            Environment = "Testing",
            ConfigureBuilder = builder => builder.Quiet(),
            // Identity's defaults are the original's rules (6 characters, lower, upper, digit) but for this one.
            IdentityOptions = o => o.Password.RequireNonAlphanumeric = false,
            Identity = identity => identity.AddErrorDescriber<PasswordRulesErrorDescriber>(),
        };

    [TestCase("Ab1", "PasswordTooShort", "It must contain at least 6 characters.")]
    [TestCase("ABCDEF1", "PasswordRequiresLower", "It must contain at least one lowercase letter.")]
    [TestCase("abcdef1", "PasswordRequiresUpper", "It must contain at least one uppercase letter.")]
    [TestCase("Abcdefg", "PasswordRequiresDigit", "It must contain at least one decimal digit.")]
    public async Task Each_rule_is_reported_with_the_originals_message_by_CreateAsync(string password, string code, string message)
    {
        var result = await App.WithUsersAsync(users => users.CreateAsync(new IdentityUser("u" + Guid.NewGuid().ToString("N")), password));
        Assert.That(result.Succeeded, Is.False);
        Assert.That(result.Errors.Select(e => (e.Code, e.Description)), Is.EqualTo(new[] { (code, message) }));
    }

    [Test]
    public async Task Every_broken_rule_is_reported_at_once()
    {
        var result = await App.WithUsersAsync(users => users.CreateAsync(new IdentityUser("everything-wrong"), "....."));
        Assert.That(result.Errors.Select(e => e.Description), Is.EqualTo(new[]
        {
            "It must contain at least 6 characters.",
            "It must contain at least one decimal digit.",
            "It must contain at least one lowercase letter.",
            "It must contain at least one uppercase letter.",
        }));
    }

    [Test]
    public async Task A_password_that_keeps_every_rule_is_accepted()
    {
        var result = await App.WithUsersAsync(users => users.CreateAsync(new IdentityUser("valid-user"), "Passw0rd"));
        Assert.That(result.Succeeded, Is.True, string.Join(", ", result.Errors.Select(e => e.Description)));
    }

    // Identity counts only ASCII a-z as lower-case: the checking is Identity's, so "ä" is judged as Identity
    // judges it (a copy of the validator that used char.IsLower accepted this password).
    [TestCase("ÄBCDEF1ä", "PasswordRequiresLower", "It must contain at least one lowercase letter.")]
    [TestCase("äbcdef1Ä", "PasswordRequiresUpper", "It must contain at least one uppercase letter.")]
    [TestCase("Abcdef١", "PasswordRequiresDigit", "It must contain at least one decimal digit.")]
    public async Task Non_ascii_letters_and_digits_are_judged_as_Identity_judges_them(string password, string code, string message)
    {
        var errors = await App.WithUsersAsync(async users =>
        {
            var user = new IdentityUser("non-ascii");
            var found = new List<IdentityError>();
            foreach (var validator in users.PasswordValidators)
            {
                found.AddRange((await validator.ValidateAsync(users, user, password)).Errors);
            }

            return found;
        });
        Assert.That(errors.Select(e => (e.Code, e.Description)), Is.EqualTo(new[] { (code, message) }));
    }

    [Test]
    public async Task Identitys_own_validator_does_the_checking()
    {
        var validators = await App.WithUsersAsync(users => Task.FromResult(users.PasswordValidators.Select(v => v.GetType()).ToArray()));
        Assert.That(validators, Is.EqualTo(new[] { typeof(PasswordValidator<IdentityUser>) }));
    }

    [Test]
    public async Task Other_messages_stay_Identitys()
    {
        await App.WithUsersAsync(users => users.CreateAsync(new IdentityUser("taken"), "Passw0rd"));
        var result = await App.WithUsersAsync(users => users.CreateAsync(new IdentityUser("taken"), "Passw0rd"));
        Assert.That(result.Errors.Select(e => e.Description), Is.EqualTo(new[] { new IdentityErrorDescriber().DuplicateUserName("taken").Description }));
    }
}

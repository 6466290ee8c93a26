using System.Globalization;
using Microsoft.AspNetCore.Identity;

namespace Security.Auth;

/// <summary>
/// Checks a password against Identity's <see cref="PasswordOptions"/> with the original's messages
/// ("It must contain at least 6 characters.", "It must contain at least one lowercase letter.", ...),
/// using Identity's error codes (<c>PasswordTooShort</c>, <c>PasswordRequiresLower</c>, ...).
/// Registered in place of Identity's own validator by <c>AddIdentity(...).AddPasswordRulesValidator()</c>.
/// The original's rules are <c>RequiredLength = 6</c>, <c>RequireLowercase</c>, <c>RequireUppercase</c>,
/// <c>RequireDigit</c> on, <c>RequireNonAlphanumeric</c> off, <c>RequiredUniqueChars = 1</c>.
/// </summary>
/// <typeparam name="TUser">The Identity user type.</typeparam>
public sealed class PasswordRulesValidator<TUser> : IPasswordValidator<TUser>
    where TUser : class
{
    /// <inheritdoc />
    public Task<IdentityResult> ValidateAsync(UserManager<TUser> manager, TUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(manager);
        password ??= "";
        var rules = manager.Options.Password;
        var errors = new List<IdentityError>();
        if (password.Length < rules.RequiredLength)
        {
            errors.Add(Error(nameof(IdentityErrorDescriber.PasswordTooShort),
                string.Format(CultureInfo.InvariantCulture, "It must contain at least {0} characters.", rules.RequiredLength)));
        }

        if (rules.RequireLowercase && !password.Any(char.IsLower))
        {
            errors.Add(Error(nameof(IdentityErrorDescriber.PasswordRequiresLower), "It must contain at least one lowercase letter."));
        }

        if (rules.RequireUppercase && !password.Any(char.IsUpper))
        {
            errors.Add(Error(nameof(IdentityErrorDescriber.PasswordRequiresUpper), "It must contain at least one uppercase letter."));
        }

        if (rules.RequireDigit && !password.Any(char.IsDigit))
        {
            errors.Add(Error(nameof(IdentityErrorDescriber.PasswordRequiresDigit), "It must contain at least one decimal digit."));
        }

        if (rules.RequireNonAlphanumeric && password.All(char.IsLetterOrDigit))
        {
            errors.Add(Error(nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric), "It must contain at least one character that is not a letter or a digit."));
        }

        if (rules.RequiredUniqueChars > 1 && password.Distinct().Count() < rules.RequiredUniqueChars)
        {
            errors.Add(Error(nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars),
                string.Format(CultureInfo.InvariantCulture, "It must contain at least {0} different characters.", rules.RequiredUniqueChars)));
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}

using System.Globalization;
using Microsoft.AspNetCore.Identity;

namespace Security.Auth;

/// <summary>
/// Identity's error messages, with one wording for every password rule, so a user reads them as one list: "It must contain at least 6
/// characters.", "It must contain at least one lowercase letter.", "... uppercase letter.", "... decimal digit.".
/// Identity's own <see cref="PasswordValidator{TUser}"/> still does the checking against
/// <see cref="PasswordOptions"/> (with its error codes, <c>PasswordTooShort</c>, <c>PasswordRequiresLower</c>, ...);
/// only the descriptions change. Register it with Identity's own call:
/// <c>AddIdentity&lt;IdentityUser, IdentityRole&gt;(...).AddErrorDescriber&lt;PasswordRulesErrorDescriber&gt;()</c>.
/// Every other message is Identity's; derive from this class to change more of them.
/// </summary>
public class PasswordRulesErrorDescriber : IdentityErrorDescriber
{
    /// <inheritdoc />
    public override IdentityError PasswordTooShort(int length) =>
        Error(nameof(PasswordTooShort), string.Format(CultureInfo.InvariantCulture, "It must contain at least {0} characters.", length));

    /// <inheritdoc />
    public override IdentityError PasswordRequiresLower() =>
        Error(nameof(PasswordRequiresLower), "It must contain at least one lowercase letter.");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresUpper() =>
        Error(nameof(PasswordRequiresUpper), "It must contain at least one uppercase letter.");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresDigit() =>
        Error(nameof(PasswordRequiresDigit), "It must contain at least one decimal digit.");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresNonAlphanumeric() =>
        Error(nameof(PasswordRequiresNonAlphanumeric), "It must contain at least one character that is not a letter or a digit.");

    /// <inheritdoc />
    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Error(nameof(PasswordRequiresUniqueChars), string.Format(CultureInfo.InvariantCulture, "It must contain at least {0} different characters.", uniqueChars));

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}

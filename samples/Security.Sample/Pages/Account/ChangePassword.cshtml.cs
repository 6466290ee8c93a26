using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Security.Sample.Pages.Account;

// Signed-in users only: see AuthorizePage("/Account/ChangePassword") in Program.cs.
public sealed class ChangePasswordModel(UserManager<IdentityUser> userManager, SignInManager<IdentityUser> signInManager) : PageModel
{
    public List<string> Errors { get; } = [];

    public string? StatusMessage { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? currentPassword, string? newPassword, string? confirmPassword)
    {
        if (string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword))
        {
            Errors.Add("Enter your current and your new password.");
            return Page();
        }

        if (newPassword != confirmPassword)
        {
            Errors.Add("The new password and its confirmation do not match.");
            return Page();
        }

        var user = await userManager.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var result = await userManager.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors.Select(e => e.Description));
            return Page();
        }

        // The change rotates the security stamp: reissue this browser's cookie so it stays signed in.
        await signInManager.RefreshSignInAsync(user);
        StatusMessage = "Your password has been changed.";
        return Page();
    }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Security.EndToEnd.Pages.Account;

/// <summary>The real sign-in (antiforgery-checked form POST) the load script uses to get its cookie.</summary>
[AllowAnonymous]
public sealed class LoginModel(SignInManager<IdentityUser> signInManager) : PageModel
{
    public bool Failed { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? username, string? password)
    {
        if (!string.IsNullOrEmpty(username) && !string.IsNullOrEmpty(password)
            && (await signInManager.PasswordSignInAsync(username, password, isPersistent: false, lockoutOnFailure: false)).Succeeded)
        {
            return LocalRedirect("/private");
        }

        Failed = true;
        return Page();
    }
}

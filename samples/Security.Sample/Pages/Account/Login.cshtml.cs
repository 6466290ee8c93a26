using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Security.Auth;

namespace Security.Sample.Pages.Account;

// Sign-ins are throttled inside SignInManager (AddLoginThrottling() on the Identity builder): a throttled one
// comes back LockedOut, and the page shows the throttling message with 429.
[AllowAnonymous]
public sealed class LoginModel(SignInManager<IdentityUser> signInManager) : PageModel
{
    public string? Username { get; private set; }

    public string? ReturnUrl { get; private set; }

    public string? ErrorMessage { get; private set; }

    // `ReturnUrl` is what ASP.NET Core's cookie handler sends; `next` is django's name for it.
    public void OnGet(string? returnUrl, string? next) => ReturnUrl = returnUrl ?? next;

    public async Task<IActionResult> OnPostAsync(string? username, string? password, string? returnUrl, string? next)
    {
        Username = username;
        ReturnUrl = returnUrl ?? next;

        if (!string.IsNullOrEmpty(username) && !string.IsNullOrEmpty(password))
        {
            // Not persistent: the auth cookie lives for the browser session. No Identity lockout:
            // repeated failures are Security.Auth's login throttling's job.
            var result = await signInManager.PasswordSignInAsync(username, password, isPersistent: false, lockoutOnFailure: false);
            if (result.Succeeded)
            {
                // Only local URLs: an open redirect after login is a phishing tool.
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            }

            if (HttpContext.Features.Get<ILoginThrottlingFeature>() is { } throttled)
            {
                ErrorMessage = throttled.Message;
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            }
        }

        ErrorMessage = "Invalid user name or password.";
        return Page();
    }
}

namespace Security.Auth;

/// <summary>
/// Lets anonymous users past login-required to this page, controller or action, while its own <c>[Authorize]</c> still
/// applies (unlike <c>[AllowAnonymous]</c>, which turns authorization off). Made for a folder of Razor component pages:
/// <c>@attribute [Security.Auth.LoginNotRequired]</c> in the blazor template's <c>Components/Account/Pages/_Imports.razor</c>
/// opens the sign-in, register and recovery pages, and the <c>Manage</c> pages, which carry <c>[Authorize]</c>, still
/// send anonymous users to sign in.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class LoginNotRequiredAttribute : Attribute
{
}

namespace Security.Csp.Internal.Blazor;

/// <summary>
/// SHA-256 hashes (base64) of the inline attributes the .NET 10 <c>blazor</c> template renders; a test hashes the
/// template's own files, so a template that changes them fails it.
/// </summary>
internal static class BlazorTemplateHashes
{
    /// <summary><c>Components/Layout/NavMenu.razor</c>: <c>onclick="document.querySelector('.navbar-toggler').click()"</c>.</summary>
    public const string NavMenuOnClick = "qnHnQs7NjQNHHNYv/I9cW+I62HzDJjbnyS/OFzqlix0=";

    /// <summary><c>Components/Account/Pages/Manage/TwoFactorAuthentication.razor</c>: <c>style="display: inline-block"</c>.</summary>
    public const string InlineBlockStyle = "UiE/yBK3JdsXD4jYHZMyw+adJqsP3MAQrrZwb1phhG8=";
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Security.Csp;

/// <summary>
/// Adds the request's CSP nonce to <c>&lt;script asp-add-nonce&gt;</c> and <c>&lt;style asp-add-nonce&gt;</c>
/// as <c>nonce="…"</c>. Register with <c>@addTagHelper *, Security.Csp</c> in <c>_ViewImports.cshtml</c>.
/// </summary>
[HtmlTargetElement("script", Attributes = AttributeName)]
[HtmlTargetElement("style", Attributes = AttributeName)]
public sealed class CspNonceTagHelper : TagHelper
{
    /// <summary>The marker attribute, <c>asp-add-nonce</c>; removed from the output.</summary>
    public const string AttributeName = "asp-add-nonce";

    /// <summary>The current view; set by Razor.</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Attributes.RemoveAll(AttributeName);
        output.Attributes.SetAttribute("nonce", ViewContext.HttpContext.GetCspNonce());
    }
}

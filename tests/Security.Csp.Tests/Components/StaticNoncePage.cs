using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Security.Csp.Tests.Components;

/// <summary>A static page with its own nonced script.</summary>
[Route("/static")]
public sealed class StaticNoncePage : ComponentBase
{
    [CascadingParameter(Name = SecurityCspBuilder.CascadingNonceName)]
    public string? CspNonce { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "script");
        builder.AddAttribute(1, "id", "own");
        builder.AddAttribute(2, "nonce", CspNonce);
        builder.CloseElement();
    }
}
